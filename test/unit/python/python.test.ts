// The runtime's Python files are Python: they compile, and their own unit tests (test/python, unittest) pass.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePython } from '../../../src/sandbox/runtime/python';

const SOURCES = ['src/sandbox/runtime/bootstrap.py', 'src/invoke/lambda_layers_probe.py'];

function python(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  return resolvePython('python3.12').then(
    (py) =>
      new Promise((resolve) =>
        execFile(
          py.executable,
          args,
          { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env }, timeout: 120_000 },
          (err, stdout, stderr) =>
            resolve({
              code: err ? Number((err as { code?: unknown }).code ?? 1) || 1 : 0,
              output: `${stdout}${stderr}`,
            }),
        ),
      ),
  );
}

describe("the runtime's Python files", () => {
  it('compile (py_compile)', async () => {
    const cache = await fs.mkdtemp(join(tmpdir(), 'py-compile-'));
    try {
      // Bytecode goes to a temp folder, never next to the sources.
      const r = await python(['-m', 'py_compile', ...SOURCES], {
        PYTHONPYCACHEPREFIX: cache,
        PYTHONDONTWRITEBYTECODE: '',
      });
      assert.equal(r.code, 0, r.output);
    } finally {
      await fs.rm(cache, { recursive: true, force: true });
    }
  });

  it('pass their unit tests (python -m unittest, test/python)', async () => {
    const r = await python(['-m', 'unittest', 'discover', '-s', 'test/python', '-t', 'test/python']);
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /Ran \d+ tests/);
  });
});
