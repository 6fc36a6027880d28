"""
The Python side of a local execution environment, imitating the AWS Lambda Python runtime interface client
(awslambdaric bootstrap.py): sys.path, handler resolution and its Runtime.* errors, the context object, logging
format and error payloads. The endpoint writes this file as bootstrap.py (tracebacks are trimmed by that name, as
on Lambda) and runs it with `python -I -S -B -u bootstrap.py`.

One process is one environment: it imports the handler once, then serves invocations one after another until
its stdin closes, so module globals survive between invocations as on Lambda. Protocol with the endpoint, over
the three standard pipes only (they work the same on Windows, macOS and Linux):
- stdin: records of a JSON header line with `len`, then `len` raw bytes. First {"type":"init",...}, then one
  {"type":"invoke","seq",...} per invocation followed by its event.
- stdout: the control channel. The same framing: {"type":"start","initMs","initFailed"} after init, then one
  {"type":"result"|"error","seq",...} per invocation.
- stderr: the function's log. The handler's stdout and stderr both go there, in write order. After init and
  after each invocation the runtime writes the marker the endpoint sent, so the endpoint knows where each
  phase's log ends (the control channel and the log are two pipes with no order between them).
The handler gets an empty stdin and never the runtime's own pipes (private, non-inheritable duplicates).
"""
import decimal
import importlib
import json
import logging
import os
import sys
import time
import traceback

MAX_HEADER_BYTES = 65536
# The control channel's descriptor, set by main(); a module global so tests of hostile handlers can find it.
CHANNEL_FD = None
_current_request_id = None

ERROR_LOG_IDENT = "\u00a0"
UNHANDLED_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in rare cases, "
    "a Lambda runtime update can cause unexpected function behavior. For functions using managed runtimes, runtime updates "
    "can be triggered by a function change, or can be applied automatically. To determine if the runtime has been updated, "
    "check the runtime version in the INIT_START log entry. If this error correlates with a change in the runtime version, "
    "you may be able to mitigate this error by temporarily rolling back to the previous runtime version. For more "
    "information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)


def send(channel, header, payload=b""):
    header["len"] = len(payload)
    channel.write(json.dumps(header).encode("utf-8") + b"\n" + payload)
    channel.flush()


def read_record(reader):
    """The next (header, body) from the endpoint, or None when it closed the pipe (the environment is retired)."""
    line = reader.readline(MAX_HEADER_BYTES)
    if not line:
        return None
    header = json.loads(line)
    body = reader.read(header.get("len", 0)) if header.get("len") else b""
    return header, body


def take_stdio():
    """Keeps private, non-inheritable duplicates of the three pipes; the handler's stdin becomes empty and its
    stdout joins stderr (the log). Returns (requests, channel, log) descriptors."""
    requests, channel, log = os.dup(0), os.dup(1), os.dup(2)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    return requests, channel, log


class FaultException(Exception):
    def __init__(self, exception_type, msg, trace=None):
        self.exception_type = exception_type
        self.msg = msg
        self.trace = trace


def _get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException("Runtime.MalformedHandlerName", "Bad handler '{}': {}".format(handler, str(e)))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                "Runtime.BuiltInModuleConflict", "Cannot use built-in module {} as a handler module".format(modname)
            )
        m = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException("Runtime.ImportModuleError", "Unable to import module '{}': {}".format(modname, str(e)))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            "Runtime.UserCodeSyntaxError", "Syntax error in module '{}': {}".format(modname, str(e)), trace
        )
    try:
        return getattr(m, fname)
    except AttributeError:
        raise FaultException("Runtime.HandlerNotFound", "Handler '{}' missing on module '{}'".format(fname, modname))


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def is_runtime_frame(filename):
    """Whether a traceback frame is this file's, with either separator (Windows paths use backslashes)."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1] == "bootstrap.py"


def _user_frames(tb):
    tb_tuples = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i in range(len(tb_tuples)):
        if not is_runtime_frame(tb_tuples[i][0]):
            return tb_tuples[i:]
    return tb_tuples


def build_fault_result(exc_info, invoke_id=None):
    etype, value, tb = exc_info
    return make_error(str(value), etype.__name__, traceback.format_list(_user_frames(tb)), invoke_id)


def _indent(line):
    n = len(line) - len(line.lstrip(" "))
    return ERROR_LOG_IDENT * n + line[n:]


def log_error(error_result):
    description = "[ERROR]"
    if error_result.get("errorType"):
        description += " " + error_result["errorType"]
    if error_result.get("errorMessage"):
        if error_result.get("errorType"):
            description += ":"
        description += " " + error_result["errorMessage"]
    lines = [description]
    stack_trace = error_result.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                lines.extend(_indent(l) for l in element.splitlines())
    sys.stdout.write("\n".join(lines) + "\n")


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _current_request_id or ""
        return True


class _LambdaLoggerHandler(logging.Handler):
    def emit(self, record):
        sys.stdout.write(self.format(record))


def _setup_logging():
    logging.Formatter.converter = time.gmtime
    handler = _LambdaLoggerHandler()
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"
        )
    )
    handler.addFilter(_RequestIdFilter())
    logging.getLogger().addHandler(handler)


class _Obj(object):
    def __init__(self, fields, values):
        for f in fields:
            setattr(self, f, (values or {}).get(f))


class LambdaContext(object):
    def __init__(self, request_id, function_arn, deadline_ms, client_context):
        env = os.environ
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = function_arn
        self.tenant_id = None
        self.client_context = None
        if client_context is not None:
            self.client_context = _Obj(["custom", "env", "client"], client_context)
            self.client_context.client = (
                None
                if self.client_context.client is None
                else _Obj(
                    ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"],
                    self.client_context.client,
                )
            )
        self.identity = _Obj(["cognito_identity_id", "cognito_identity_pool_id"], None)
        self._epoch_deadline_time_in_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        delta_ms = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))


class _Encoder(json.JSONEncoder):
    def default(self, obj):
        if isinstance(obj, decimal.Decimal):
            return int(obj) if obj == obj.to_integral_value() else float(obj)
        return super().default(obj)


def unmarshal(event_body):
    """The event as awslambdaric parses it: JSON the endpoint accepted can still be too deep for Python."""
    if not event_body.strip():
        return {}
    try:
        return json.loads(event_body)
    except Exception as e:
        raise FaultException("Runtime.UnmarshalError", "Unable to unmarshal input: {}".format(str(e)))


def marshal(response, runtime_python):
    if isinstance(response, bytes):
        return response
    try:
        return _Encoder(ensure_ascii=runtime_python != "3.12").encode(response).encode("utf-8")
    except Exception as e:
        raise FaultException("Runtime.MarshalError", "Unable to marshal response: {}".format(str(e)))


def peak_memory_reader(platform):
    """Peak resident memory of this process in MB: ru_maxrss is in KiB on Linux and in bytes on macOS; Windows
    has no `resource` module, so there it is None (the endpoint then reports what it measured)."""
    if platform == "win32":
        return lambda: None
    import resource

    scale = 1024 * 1024 if platform == "darwin" else 1024
    return lambda: int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale)


def init_handler(handler_name):
    """Imports the handler: (handler, None) or (None, the error document), logged as Lambda logs an init error."""
    try:
        return _get_handler(handler_name), None
    except FaultException as e:
        init_error = make_error(e.msg, e.exception_type, e.trace)
    except Exception:
        init_error = build_fault_result(sys.exc_info())
    logging.warning(UNHANDLED_WARNING)
    log_error(init_error)
    return None, init_error


def invoke(handler, header, event_body, runtime_python):
    """Runs one invocation: (payload bytes, None) or (None, the error document)."""
    global _current_request_id
    request_id = header["requestId"]
    deadline_ms = int(time.time() * 1000) + int(header["timeoutMs"])
    _current_request_id = request_id
    try:
        raw_context = header.get("clientContext") or ""
        client_context = json.loads(raw_context) if raw_context else None
        event = unmarshal(event_body)
        context = LambdaContext(request_id, header["functionArn"], deadline_ms, client_context)
        return marshal(handler(event, context), runtime_python), None
    except FaultException as e:
        error = make_error(e.msg, e.exception_type, e.trace, request_id)
    except Exception:
        error = build_fault_result(sys.exc_info(), request_id)
    log_error(error)
    return None, error


def _mark(log_fd, marker):
    """Ends a phase of the log: everything the handler wrote before this is in the pipe ahead of it."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.write(log_fd, marker.encode("ascii"))


def main():
    global CHANNEL_FD
    requests, CHANNEL_FD, log_fd = take_stdio()
    reader = os.fdopen(requests, "rb")
    channel = os.fdopen(CHANNEL_FD, "wb", 0)
    init, _ = read_record(reader)
    runtime_python = init["runtimePython"]
    opt = init["optDir"]
    stdlib = [p for p in sys.path if p and "site-packages" not in p and "dist-packages" not in p]
    site = "%s/python/lib/python%s/site-packages" % (opt, runtime_python)
    sys.path[:] = [os.environ["LAMBDA_TASK_ROOT"], site, "%s/python" % opt] + stdlib
    _setup_logging()
    peak_memory_mb = peak_memory_reader(sys.platform)

    started = time.perf_counter()
    handler, init_error = init_handler(os.environ["_HANDLER"])
    init_ms = (time.perf_counter() - started) * 1000
    _mark(log_fd, init["marker"])
    send(channel, {"type": "start", "initMs": init_ms, "initFailed": 1 if init_error else 0})

    while True:
        record = read_record(reader)
        if record is None:
            os._exit(0)
        header, event_body = record
        started = time.perf_counter()
        if init_error is not None:
            payload, error = None, init_error
        else:
            payload, error = invoke(handler, header, event_body, runtime_python)
        outcome = {"seq": header["seq"], "durationMs": (time.perf_counter() - started) * 1000}
        peak = peak_memory_mb()
        if peak is not None:
            outcome["maxMemoryMb"] = peak
        _mark(log_fd, header["marker"])
        if error is not None:
            outcome["type"] = "error"
            send(channel, outcome, json.dumps(error).encode("utf-8"))
        else:
            outcome["type"] = "result"
            send(channel, outcome, payload)


if __name__ == "__main__":
    main()
