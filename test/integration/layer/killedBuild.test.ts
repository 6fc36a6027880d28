import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pidAlive } from '../../../src/layer/staging';
import { cli } from './cliRun';
import { workspace, type Workspace } from './setup';

let ws: Workspace;
before(async () => {
  ws = await workspace();
});
after(() => ws.dispose());

async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('kill -9 of a build: its installer dies with it, and a later build removes the day-old staging folder', { skip: process.platform === 'win32' }, async () => {
  const tmp = join(ws.dir, 'tmp');
  await mkdir(tmp);
  const pidFile = join(ws.dir, 'installer-pids');
  // Probes like Python 3.11 with pip; runs the guard with the real Python; "installs" forever with a child.
  const fakePython = join(ws.dir, 'hanging-python');
  await writeFile(
    fakePython,
    [
      '#!/bin/sh',
      'if [ "$1" = "-c" ]; then printf "3 11\\n%s\\n23.2\\n" "$0"; exit 0; fi',
      'if [ "$1" = "-I" ]; then exec python3 "$@"; fi',
      `sleep 300 & echo $! > "${pidFile}"; echo $$ >> "${pidFile}"`,
      'echo "Collecting slowpkg"',
      'wait',
    ].join('\n'),
  );
  await chmod(fakePython, 0o755);
  const req = await ws.requirements(['purepkg']);
  const env = { ...ws.env, TMPDIR: tmp };
  const out = join(ws.dir, 'out-killed', 'deps.zip');
  const main = join(__dirname, '../../../src/cli/main.ts');
  const build = spawn(process.execPath, ['--import', 'tsx', main, 'build', req, '--runtime', 'python3.12', '--arch', 'x86_64', '--out', out, '--python', fakePython], { env, stdio: 'ignore' });
  await waitFor(async () => (await readFile(pidFile, 'utf8').catch(() => '')).trim().split('\n').length === 2, 20_000);
  const installerPids = (await readFile(pidFile, 'utf8')).trim().split('\n').map(Number);
  const [staging] = (await readdir(tmp)).filter((n) => n.startsWith('lambda-layer-deps-'));
  assert.ok(staging, 'the build staged in TMPDIR');

  build.kill('SIGKILL');
  await waitFor(() => installerPids.every((pid) => !pidAlive(pid) || isZombie(pid)), 5000);
  const lock = JSON.parse(await readFile(join(tmp, staging, 'owner.lock'), 'utf8')) as { pid: number; installerPid: number };
  assert.equal(lock.pid, build.pid);
  assert.ok(lock.installerPid > 0);

  // Younger than a day: kept (its owner's pid is only a hint). A day old: the next build removes it.
  const fresh = await cli(['build', req, '--runtime', 'python3.12', '--arch', 'x86_64', '--out', out], env);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.ok((await readdir(tmp)).includes(staging));
  const old = (Date.now() - 25 * 60 * 60 * 1000) / 1000;
  await utimes(join(tmp, staging), old, old);
  const next = await cli(['build', req, '--runtime', 'python3.12', '--arch', 'x86_64', '--out', out, '--rebuild'], env);
  assert.equal(next.code, 0, next.stderr);
  assert.ok(next.stderr.includes(`Removed the staging folder of a build that did not finish: ${join(tmp, staging)}`), next.stderr);
  assert.deepEqual((await readdir(tmp)).filter((n) => n.startsWith('lambda-layer-')), [], 'no staging folder left');
});

function isZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^\d+ \(.*\)/, '').trim().startsWith('Z');
  } catch {
    return true;
  }
}
