"""Unit tests of the local runtime's bootstrap (src/sandbox/runtime/bootstrap.py), run by test/unit/python."""
import decimal
import importlib.util
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOOTSTRAP = os.path.join(ROOT, "src", "sandbox", "runtime", "bootstrap.py")

_spec = importlib.util.spec_from_file_location("bootstrap_under_test", BOOTSTRAP)
bootstrap = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bootstrap)


def record(header, body=b""):
    header = dict(header, len=len(body))
    return json.dumps(header).encode() + b"\n" + body


def records(data):
    """Splits a pipe's bytes into (header, body) records."""
    out, reader = [], io.BytesIO(data)
    while True:
        r = bootstrap.read_record(reader)
        if r is None:
            return out
        out.append(r)


class PlatformBranches(unittest.TestCase):
    def test_peak_memory_is_none_on_windows_and_scaled_per_platform_elsewhere(self):
        self.assertIsNone(bootstrap.peak_memory_reader("win32")())
        if sys.platform == "win32":
            return
        import resource

        raw = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        linux, darwin = bootstrap.peak_memory_reader("linux")(), bootstrap.peak_memory_reader("darwin")()
        self.assertGreater(linux, 0)
        self.assertAlmostEqual(linux, raw / 1024, delta=64)  # KiB -> MB (the process may grow in between)
        self.assertLessEqual(darwin, linux)  # bytes -> MB divides by 1024 more

    def test_runtime_frames_are_recognised_with_either_separator(self):
        for name in ["/var/runtime/bootstrap.py", "C:\\Users\\me\\AppData\\Local\\Temp\\x\\bootstrap.py", "bootstrap.py"]:
            self.assertTrue(bootstrap.is_runtime_frame(name), name)
        for name in ["/var/task/app.py", "C:\\code\\my_bootstrap.py", "/var/task/bootstrap.py.txt"]:
            self.assertFalse(bootstrap.is_runtime_frame(name), name)


class Framing(unittest.TestCase):
    def test_reads_records_until_the_pipe_closes(self):
        data = record({"type": "init", "marker": "m"}) + record({"type": "invoke", "seq": 1}, b'{"a": 1}') + record({"type": "invoke", "seq": 2})
        got = records(data)
        self.assertEqual([(h["type"], h.get("seq"), b) for h, b in got], [("init", None, b""), ("invoke", 1, b'{"a": 1}'), ("invoke", 2, b"")])

    def test_marshals_like_the_runtime(self):
        self.assertEqual(bootstrap.marshal({"d": decimal.Decimal("2"), "f": decimal.Decimal("1.5")}, "3.11"), b'{"d": 2, "f": 1.5}')
        self.assertEqual(bootstrap.marshal({"s": "\u00e9"}, "3.12"), '{"s": "\u00e9"}'.encode())
        self.assertEqual(bootstrap.marshal({"s": "\u00e9"}, "3.11"), b'{"s": "\\u00e9"}')
        self.assertEqual(bootstrap.marshal(b"raw", "3.12"), b"raw")
        with self.assertRaises(bootstrap.FaultException) as caught:
            bootstrap.marshal({1, 2}, "3.12")
        self.assertEqual(caught.exception.exception_type, "Runtime.MarshalError")


HANDLER = """
import __main__, os, sys
count = 0
print("imported")

def handler(event, context):
    global count
    count += 1
    print("call", count)
    return {
        "count": count,
        "event": event,
        "request": context.aws_request_id,
        "stdin": sys.stdin.read(),
        "channel_inherited": os.get_inheritable(__main__.CHANNEL_FD),
    }

def fails(event, context):
    raise ValueError("nope")
"""


class Environment(unittest.TestCase):
    """The bootstrap as the endpoint runs it: one process serving invocations in a loop over its three pipes."""

    def run_bootstrap(self, handler, invocations):
        with tempfile.TemporaryDirectory() as task:
            with open(os.path.join(task, "app.py"), "w") as f:
                f.write(HANDLER)
            env = {"LAMBDA_TASK_ROOT": task, "_HANDLER": handler, "PATH": os.environ.get("PATH", "")}
            if "SYSTEMROOT" in os.environ:
                env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
            stdin = record({"type": "init", "optDir": task, "runtimePython": "3.12", "marker": "<init-end>"})
            for seq, event in enumerate(invocations, 1):
                header = {"type": "invoke", "seq": seq, "requestId": "r%d" % seq, "functionArn": "arn", "timeoutMs": 3000, "marker": "<end-%d>" % seq}
                stdin += record(header, json.dumps(event).encode())
            run = subprocess.run([sys.executable, "-I", "-S", "-B", "-u", BOOTSTRAP], input=stdin, capture_output=True, env=env, cwd=task, timeout=60)
            return run, records(run.stdout)

    def test_serves_invocations_in_one_process_with_globals_kept(self):
        run, channel = self.run_bootstrap("app.handler", [{"n": 1}, {"n": 2}])
        self.assertEqual(run.returncode, 0, run.stderr)
        start, first, second = channel
        self.assertEqual(start[0]["type"], "start")
        self.assertEqual(start[0]["initFailed"], 0)
        self.assertEqual([first[0]["type"], first[0]["seq"], second[0]["seq"]], ["result", 1, 2])
        one, two = json.loads(first[1]), json.loads(second[1])
        self.assertEqual([one["count"], two["count"]], [1, 2])
        self.assertEqual([one["event"], two["request"]], [{"n": 1}, "r2"])
        self.assertEqual(one["stdin"], "", "the handler must not see the runtime's requests")
        self.assertFalse(one["channel_inherited"], "processes the handler starts must not inherit the channel")
        self.assertEqual(run.stderr.decode(), "imported\n<init-end>call 1\n<end-1>call 2\n<end-2>")

    def test_an_exception_is_an_error_record_and_the_environment_goes_on(self):
        run, channel = self.run_bootstrap("app.fails", [{}, {}])
        self.assertEqual([h["type"] for h, _ in channel], ["start", "error", "error"])
        error = json.loads(channel[1][1])
        self.assertEqual([error["errorType"], error["errorMessage"], error["requestId"]], ["ValueError", "nope", "r1"])
        self.assertIn("[ERROR] ValueError: nope", run.stderr.decode())

    def test_a_handler_that_cannot_load_reports_it_at_start_and_answers_with_it(self):
        run, channel = self.run_bootstrap("missing.handler", [{}])
        self.assertEqual(channel[0][0]["initFailed"], 1)
        self.assertEqual(json.loads(channel[1][1])["errorType"], "Runtime.ImportModuleError")


if __name__ == "__main__":
    unittest.main()
