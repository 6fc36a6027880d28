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
        self.assertEqual(answer["probeVersion"], 2)
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

if __name__ == "__main__":
    unittest.main()
