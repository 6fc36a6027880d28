import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isAbsolute } from 'node:path';
import { buildPythonCommands, probePython } from '../../../src/layer/python';
import { UserError } from '../../../src/util/errors';
import { pythonCommands, showCommand } from '../../../src/util/pythonCommands';

test('Windows: the py launcher (for the version asked, else any Python 3), then python.exe and python3.exe', () => {
  assert.deepEqual(pythonCommands('win32', '3.12'), [['py', '-3.12'], ['python.exe'], ['python3.exe']]);
  assert.deepEqual(pythonCommands('win32'), [['py', '-3'], ['python.exe'], ['python3.exe']]);
  assert.equal(showCommand(pythonCommands('win32', '3.12')[0]), 'py -3.12');
});

test('macOS and Linux: python3.X for the version asked, then python3 (never a bare python)', () => {
  for (const platform of ['darwin', 'linux'] as const) {
    assert.deepEqual(pythonCommands(platform, '3.12'), [['python3.12'], ['python3']]);
    assert.deepEqual(pythonCommands(platform), [['python3']]);
  }
});

test('probePython takes the first command that is Python 3 and names every command it tried when none is', async () => {
  const missing = ['/nonexistent/python3'];
  const fails = [process.execPath, '-e', 'process.exit(1)'];
  const info = await probePython([missing, fails, ['python3']], process.env);
  assert.equal(info.path, 'python3');
  assert.equal(info.major, 3);
  assert.ok(isAbsolute(info.executable), info.executable);
  // The bytecode cache's key: the interpreter's cache tag and magic number, asked in the same start.
  assert.match(info.bytecodeKey ?? '', new RegExp(`^cpython-3${info.minor}-[0-9a-f]{8}$`));
  await assert.rejects(probePython([missing, ['/nonexistent/py', '-3']], process.env), (e: unknown) => {
    return e instanceof UserError && e.message.includes('"/nonexistent/python3", "/nonexistent/py -3"');
  });
});

test("a build starts the configured interpreter, else the platform's commands", () => {
  assert.deepEqual(buildPythonCommands('C:\\Program Files\\Python 3.12\\python.exe', 'win32'), [
    ['C:\\Program Files\\Python 3.12\\python.exe'],
  ]);
  assert.deepEqual(buildPythonCommands(undefined, 'win32'), [['py', '-3'], ['python.exe'], ['python3.exe']]);
  assert.deepEqual(buildPythonCommands(undefined, 'darwin'), [['python3']]);
  assert.deepEqual(buildPythonCommands(undefined, 'linux'), [['python3']]);
});
