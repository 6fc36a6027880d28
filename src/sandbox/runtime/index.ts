// Python execution without the HTTP server, for local invoke of a workspace handler with a built layer.
export { runPython, type RunPythonOptions, type RunPythonResult } from './runPython';
export { extractZip, UnsafeZipError, type ExtractOptions, type ExtractResult } from './extractZip';
export { BOOTSTRAP_PY } from './bootstrap.py';
export { resolvePython, pythonMismatch, runtimePythonVersion, type PythonInterpreter } from './python';
