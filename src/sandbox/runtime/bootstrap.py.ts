/**
 * The Python side of one invocation, imitating the AWS Lambda Python runtime interface client
 * (awslambdaric bootstrap.py): sys.path, handler resolution and its Runtime.* errors, the context
 * object, logging format and error payloads. Kept as a string so it works bundled and under tsx;
 * runPython writes it to a cache file named bootstrap.py (tracebacks are trimmed by that name, as on Lambda).
 *
 * Protocol with Node: stdin carries one JSON line of invocation parameters (kept out of the environment,
 * which the handler sees), then the event; messages go out on fd 3 as a JSON header line followed by `len`
 * raw bytes: {"type":"start","initMs"} after init, then {"type":"result"|"error",...}.
 */
export const BOOTSTRAP_PY = String.raw`
import os
import sys

os.dup2(1, 2)  # one log stream in write order, like the function's log on Lambda

import decimal
import importlib
import json
import logging
import resource
import time
import traceback

_env = os.environ
_chan = os.fdopen(3, "wb", 0)
_params = json.loads(sys.stdin.buffer.readline())
_request_id = _params["requestId"]
_function_arn = _params["functionArn"]
_timeout_ms = int(_params["timeoutMs"])
_client_context = _params.get("clientContext") or ""
_opt = _params["optDir"]
_runtime_py = _params["runtimePython"]
_task = _env["LAMBDA_TASK_ROOT"]
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


def _send(header, payload=b""):
    header["len"] = len(payload)
    _chan.write(json.dumps(header).encode("utf-8") + b"\n" + payload)


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


def _user_frames(tb):
    tb_tuples = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i in range(len(tb_tuples)):
        if "/bootstrap.py" not in tb_tuples[i][0]:
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
    def __init__(self, deadline_ms, client_context):
        self.aws_request_id = _request_id
        self.log_group_name = _env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = _env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = _env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = _env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = _env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = _function_arn
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


def _marshal(response):
    if isinstance(response, bytes):
        return response
    try:
        return _Encoder(ensure_ascii=_runtime_py != "3.12").encode(response).encode("utf-8")
    except Exception as e:
        raise FaultException("Runtime.MarshalError", "Unable to marshal response: {}".format(str(e)))


def _max_memory_mb():
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main():
    global _current_request_id
    stdlib = [p for p in sys.path if p and "site-packages" not in p and "dist-packages" not in p]
    sys.path[:] = [_task, "%s/python/lib/python%s/site-packages" % (_opt, _runtime_py), "%s/python" % _opt] + stdlib
    _setup_logging()

    started = time.perf_counter()
    handler, init_error = None, None
    try:
        handler = _get_handler(_env["_HANDLER"])
    except FaultException as e:
        init_error = make_error(e.msg, e.exception_type, e.trace)
    except Exception:
        init_error = build_fault_result(sys.exc_info())
    if init_error is not None:
        logging.warning(UNHANDLED_WARNING)
        log_error(init_error)
    init_ms = (time.perf_counter() - started) * 1000

    deadline_ms = int(time.time() * 1000) + _timeout_ms
    _send({"type": "start", "initMs": init_ms})
    sys.stdout.write("START RequestId: %s Version: $LATEST\n" % _request_id)
    event_body = sys.stdin.buffer.read()
    _current_request_id = _request_id

    started = time.perf_counter()
    error, payload = init_error, b""
    if error is None:
        try:
            client_context = json.loads(_client_context) if _client_context else None
            event = json.loads(event_body) if event_body.strip() else {}
            payload = _marshal(handler(event, LambdaContext(deadline_ms, client_context)))
        except FaultException as e:
            error = make_error(e.msg, e.exception_type, e.trace, _request_id)
        except Exception:
            error = build_fault_result(sys.exc_info(), _request_id)
        if error is not None:
            log_error(error)
    duration_ms = (time.perf_counter() - started) * 1000

    sys.stdout.flush()
    header = {"durationMs": duration_ms, "maxMemoryMb": _max_memory_mb()}
    if error is not None:
        header["type"] = "error"
        _send(header, json.dumps(error).encode("utf-8"))
    else:
        header["type"] = "result"
        _send(header, payload)
    os._exit(0)


main()
`;
