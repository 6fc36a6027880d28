"""Unit tests of the import probe's handler (src/invoke/lambda_layers_probe.py), run by test/unit/python."""
import os
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "src", "invoke"))
import lambda_layers_probe as probe  # noqa: E402


class Probe(unittest.TestCase):
    def setUp(self):
        self._dir = tempfile.TemporaryDirectory()
        self.tmp = self._dir.name
        sys.path.insert(0, self.tmp)

    def tearDown(self):
        sys.path.remove(self.tmp)
        self._dir.cleanup()

    def test_reports_each_module_and_the_package_version(self):
        answer = probe.handler({"packages": [{"name": "not-installed-dist", "modules": ["json", "no_such_module_xyz"]}]}, None)
        self.assertEqual(answer["probeVersion"], 3)
        self.assertEqual(answer["python"].split(".")[:2], [str(sys.version_info[0]), str(sys.version_info[1])])
        package = answer["packages"][0]
        self.assertIsNone(package["version"])
        self.assertIn("not-installed-dist", package["versionError"])
        ok, missing = package["modules"]
        self.assertEqual([ok["name"], ok["ok"]], ["json", True])
        self.assertIsInstance(ok["importMs"], float)
        self.assertEqual([missing["ok"], missing["error"].split(":")[0]], [False, "ModuleNotFoundError"])

    def test_a_package_that_exits_does_not_end_the_probe(self):
        sys.modules.pop("exits_on_import", None)
        with open(os.path.join(self.tmp, "exits_on_import.py"), "w") as f:
            f.write("raise SystemExit(3)\n")
        answer = probe.handler({"packages": [{"name": "x", "modules": ["exits_on_import"]}]}, None)
        self.assertFalse(answer["packages"][0]["modules"][0]["ok"])
        self.assertEqual(answer["packages"][0]["modules"][0]["error"], "SystemExit: 3")

    def test_a_module_that_crashes_the_interpreter_is_reported_and_the_others_still_load(self):
        with open(os.path.join(self.tmp, "crashes_on_import.py"), "w") as f:
            f.write("import sys, os\nsys.stderr.write('native init failed\\n')\nsys.stderr.flush()\nos.abort()\n")
        with open(os.path.join(self.tmp, "exits_hard.py"), "w") as f:
            f.write("import os\nos._exit(7)\n")
        with open(os.path.join(self.tmp, "healthy_mod.py"), "w") as f:
            f.write("VALUE = 1\n")
        answer = probe.handler({"packages": [{"name": "x", "modules": ["crashes_on_import", "exits_hard", "healthy_mod", "json"]}]}, None)
        crashed, exited, healthy, stdlib = answer["packages"][0]["modules"]
        self.assertFalse(crashed["ok"])
        self.assertIn("killed by SIGABRT", crashed["error"])
        self.assertIn("native init failed", crashed["error"])
        self.assertEqual([exited["ok"], exited["error"]], [False, "the interpreter exited with code 7 while importing"])
        self.assertTrue(healthy["ok"])
        self.assertEqual(os.path.realpath(healthy["file"]), os.path.realpath(os.path.join(self.tmp, "healthy_mod.py")))
        self.assertIsInstance(healthy["importMs"], float)
        self.assertTrue(stdlib["ok"])

if __name__ == "__main__":
    unittest.main()
