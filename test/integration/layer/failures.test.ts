import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledError } from '../../../src/util/errors';
import { IncompatibleFilesError } from '../../../src/layer/build';
import { makeWheelhouse } from '../../fixtures/wheels';
import { fakePython, isGone, waitFor } from './fakeInstaller';
import { workspace, type Workspace } from './setup';

let ws: Workspace;
before(async () => {
  ws = await workspace();
});
after(() => ws.dispose());

test('the scan fails the build for a mistagged wheel (newer glibc) and a wrong machine, naming the packages', async () => {
  const req = await ws.requirements(['mistagged', 'wrongmachine', 'purepkg']);
  await assert.rejects(ws.build(req, 'python3.11', 'x86_64'), (e: unknown) => {
    assert.ok(e instanceof IncompatibleFilesError);
    assert.deepEqual(
      e.incompatibilities.map((i) => i.package),
      ['mistagged', 'wrongmachine'],
    );
    assert.match(e.message, /2 files will not load on python3\.11 \(x86_64\), from mistagged, wrongmachine/);
    assert.match(
      e.message,
      /mistagged: mistagged\/_native\.abi3\.so: needs GLIBC_2\.30, python3\.11 provides glibc 2\.26/,
    );
    assert.match(
      e.message,
      /wrongmachine: wrongmachine\/_native\.abi3\.so: built for aarch64 \(64-bit\), the layer targets x86_64/,
    );
    assert.match(e.message, /allow incompatible files/);
    return true;
  });
  assert.deepEqual(await readdir(join(ws.dir, 'out', 'python3.11-x86_64')), [], 'nothing written');
  // python3.12 has glibc 2.34: only the machine remains wrong.
  await assert.rejects(ws.build(req, 'python3.12', 'x86_64'), /1 files will not load.*wrongmachine/s);

  const forced = await ws.build(req, 'python3.11', 'x86_64', { allowIncompatible: true });
  assert.deepEqual(
    forced.manifest.incompatibilities.map((i) => [i.package, i.reason]),
    [
      ['mistagged', 'glibc'],
      ['wrongmachine', 'machine'],
    ],
  );
  assert.match(forced.manifest.warnings.join('\n'), /will not load/);
});

test("cancelling during the install kills the installer's process tree and leaves nothing behind", async () => {
  const pidFile = join(ws.dir, 'pids');
  // Answers the version probe like Python 3.11 with pip, then "installs" forever with a child process.
  const fakeInstaller = await fakePython(join(ws.dir, 'slow-python'), [
    `sleep 300 & echo $! > "${pidFile}"; echo $$ >> "${pidFile}"`,
    'echo "Collecting slowpkg"',
    'wait',
  ]);
  const staging = join(ws.dir, 'staging-install');
  await mkdir(staging);
  const ac = new AbortController();
  const req = await ws.requirements(['purepkg']);
  const running = ws.build(
    req,
    'python3.12',
    'x86_64',
    { pythonPath: fakeInstaller, stagingRoot: staging, name: 'cancelled' },
    { signal: ac.signal },
  );
  await waitFor(async () => (await readFile(pidFile, 'utf8').catch(() => '')).trim().split('\n').length === 2);
  assert.equal((await readdir(staging)).length, 1, 'staging exists while installing');
  const pids = (await readFile(pidFile, 'utf8')).trim().split('\n').map(Number);
  ac.abort();
  await assert.rejects(running, CancelledError);
  await waitFor(() => pids.every(isGone), 3000);
  assert.deepEqual(await readdir(staging), [], 'staging removed');
  assert.deepEqual(await readdir(join(ws.dir, 'out', 'python3.12-x86_64')).catch(() => []), [], 'no zip, no temp file');
});

test('cancelling while zipping removes the partial zip and the staging folder', async () => {
  const bigHouse = join(ws.dir, 'bigwheels');
  const files: Record<string, Uint8Array> = { 'bigpkg/__init__.py': Buffer.from('') };
  for (let i = 0; i < 40; i++) files[`bigpkg/data${i}.bin`] = randomBytes(1 << 20);
  await makeWheelhouse(bigHouse, [{ name: 'bigpkg', version: '1.0', files, level: 0 }]);
  const staging = join(ws.dir, 'staging-zip');
  await mkdir(staging);
  const ac = new AbortController();
  const outDir = join(ws.dir, 'out', 'python3.12-x86_64');
  let sawPartial = false;
  const req = await ws.requirements(['bigpkg']);
  await assert.rejects(
    ws.build(
      req,
      'python3.12',
      'x86_64',
      { stagingRoot: staging, name: 'big', env: { ...ws.env, PIP_FIND_LINKS: bigHouse } },
      {
        signal: ac.signal,
        progress: (p) => {
          if (p.message === 'Zipping' && !ac.signal.aborted) {
            sawPartial = readdirSafe(outDir).some((f) => f.endsWith('.tmp'));
            ac.abort();
          }
        },
      },
    ),
    CancelledError,
  );
  assert.ok(sawPartial, 'a partial zip existed when cancelled');
  assert.deepEqual(await readdir(staging), []);
  assert.deepEqual(
    readdirSafe(outDir).filter((f) => f.startsWith('big') || f.startsWith('.big')),
    [],
  );
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

test('clear messages: no Python, no pip, unreachable index, uv missing, bad layer name', async () => {
  const req = await ws.requirements(['purepkg']);
  await assert.rejects(
    ws.build(req, 'python3.12', 'x86_64', { pythonPath: join(ws.dir, 'no', 'python3') }),
    /Python 3 was not found at/,
  );

  const noPip = join(ws.dir, 'python-without-pip');
  await writeFile(noPip, '#!/bin/sh\nexec python3 -S "$@"\n');
  await chmod(noPip, 0o755);
  await assert.rejects(
    ws.build(req, 'python3.12', 'x86_64', { pythonPath: noPip }),
    /pip is not available for .*python-without-pip.*ensurepip/,
  );

  const unreachable = await ws.requirements(['--index-url http://127.0.0.1:9/simple', 'purepkg']);
  const env = { ...ws.env };
  delete env.PIP_NO_INDEX;
  delete env.PIP_FIND_LINKS;
  await assert.rejects(
    ws.build(
      unreachable,
      'python3.12',
      'x86_64',
      { env, retries: 0, timeoutSeconds: 2 } /* raised to 1: pip is silent otherwise */,
    ),
    /Could not reach the package index \(http:\/\/127\.0\.0\.1:9\/simple\).*Connection refused/s,
  );

  await assert.rejects(
    ws.build(req, 'python3.12', 'x86_64', { installer: 'uv', env: { ...ws.env, PATH: '/nonexistent' } }),
    /uv was chosen as the installer but is not on PATH/,
  );
  await assert.rejects(ws.build(req, 'python3.12', 'x86_64', { name: 'bad name!' }), /not a valid layer name/);
  await assert.rejects(ws.build(req, 'python3.9', 'x86_64'), /Unsupported runtime "python3\.9"/);
  await assert.rejects(
    ws.build(await ws.requirements(['-e ./src']), 'python3.12', 'x86_64'),
    /line 1: editable requirements/,
  );
});
