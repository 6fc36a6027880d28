import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sweepAbandonedStaging } from '../../../src/layer/staging';
import { runCli as cli } from '../../helpers/cli';
import { fakePython, isGone, waitFor } from './fakeInstaller';
import { workspace, type Workspace } from './setup';

let ws: Workspace;
before(async () => {
  ws = await workspace();
});
after(() => ws.dispose());

test(
  'kill -9 of a build: its installer dies with it, and a later build removes the day-old staging folder',
  { skip: process.platform === 'win32' },
  async () => {
    const tmp = join(ws.dir, 'tmp');
    await mkdir(tmp);
    const pidFile = join(ws.dir, 'installer-pids');
    // "Installs" forever with a child process.
    const hanging = await fakePython(join(ws.dir, 'hanging-python'), [
      `sleep 300 & echo $! > "${pidFile}"; echo $$ >> "${pidFile}"`,
      'echo "Collecting slowpkg"',
      'wait',
    ]);
    const req = await ws.requirements(['purepkg']);
    const env = { ...ws.env, TMPDIR: tmp };
    const out = join(ws.dir, 'out-killed', 'deps.zip');
    const main = join(__dirname, '../../../src/cli/main.ts');
    const build = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        main,
        'build',
        req,
        '--runtime',
        'python3.12',
        '--arch',
        'x86_64',
        '--out',
        out,
        '--python',
        hanging,
      ],
      { env, stdio: 'ignore' },
    );
    await waitFor(
      async () => (await readFile(pidFile, 'utf8').catch(() => '')).trim().split('\n').length === 2,
      20_000,
    );
    const installerPids = (await readFile(pidFile, 'utf8')).trim().split('\n').map(Number);
    const [staging] = (await readdir(tmp)).filter((n) => n.startsWith('lambda-layer-deps-'));
    assert.ok(staging, 'the build staged in TMPDIR');

    build.kill('SIGKILL');
    await waitFor(() => installerPids.every(isGone), 5000);
    const lock = JSON.parse(await readFile(join(tmp, staging, 'owner.lock'), 'utf8')) as {
      pid: number;
      installerPid: number;
    };
    assert.equal(lock.pid, build.pid);
    assert.ok(lock.installerPid > 0);

    // Younger than a day: kept (its owner's pid is only a hint). A day old: the next build removes it.
    const fresh = await cli(['build', req, '--runtime', 'python3.12', '--arch', 'x86_64', '--out', out], env);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.ok((await readdir(tmp)).includes(staging));
    const old = (Date.now() - 25 * 60 * 60 * 1000) / 1000;
    await utimes(join(tmp, staging), old, old);
    const next = await cli(
      ['build', req, '--runtime', 'python3.12', '--arch', 'x86_64', '--out', out, '--rebuild'],
      env,
    );
    assert.equal(next.code, 0, next.stderr);
    assert.ok(
      next.stderr.includes(`Removed the staging folder of a build that did not finish: ${join(tmp, staging)}`),
      next.stderr,
    );
    assert.deepEqual(
      (await readdir(tmp)).filter((n) => n.startsWith('lambda-layer-')),
      [],
      'no staging folder left',
    );
  },
);

test(
  "a sweep stops a dead build's installer that still runs, and only when /proc shows it is that installer",
  { skip: process.platform !== 'linux' },
  async () => {
    const root = join(ws.dir, 'sweep');
    const staging = join(root, 'lambda-layer-x-abcdef');
    await mkdir(join(staging, 'python'), { recursive: true });
    const dead = spawn('true');
    await new Promise((r) => dead.on('exit', r));
    // Stand-ins for installers: one whose command line names the staging folder, one that does not.
    const orphan = spawn('sh', ['-c', 'sleep 300; :', 'sh', '--target', join(staging, 'python')], {
      detached: true,
      stdio: 'ignore',
    });
    const stranger = spawn('sh', ['-c', 'sleep 300; :'], { detached: true, stdio: 'ignore' });
    try {
      for (const [dir, pid] of [
        [staging, orphan.pid],
        [join(root, 'lambda-layer-y-abcdef'), stranger.pid],
      ] as const) {
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'owner.lock'), JSON.stringify({ pid: dead.pid, installerPid: pid }));
      }
      assert.deepEqual(await sweepAbandonedStaging(root), [], 'both folders are younger than a day');
      await waitFor(() => isGone(orphan.pid!), 3000);
      assert.equal(isGone(stranger.pid!), false, 'a pid that is not that installer is left alone');
    } finally {
      for (const child of [orphan, stranger]) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  },
);
