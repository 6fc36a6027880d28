import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardedCommand } from '../../../src/layer/installerGuard';
import {
  ABANDONED_AFTER_MS,
  createStaging,
  pidAlive,
  isOrphanInstaller,
  stagingVerdict,
  sweepAbandonedStaging,
} from '../../../src/layer/staging';

const DAY = ABANDONED_AFTER_MS;

test('verdict: a live owner keeps its folder at any age; without one it goes once a day old', () => {
  const alive = (pid: number) => pid === 1;
  assert.equal(stagingVerdict({ pid: 1 }, 10 * DAY, alive), 'in-use');
  assert.equal(stagingVerdict({ pid: 2 }, DAY - 1, alive), 'too-recent');
  assert.equal(stagingVerdict({ pid: 2 }, DAY, alive), 'remove');
  assert.equal(stagingVerdict(undefined, DAY - 1, alive), 'too-recent', 'no lock yet: maybe a build that just started');
  assert.equal(stagingVerdict(undefined, 2 * DAY, alive), 'remove');
});

test('pidAlive: this process is, an unused pid is not', () => {
  assert.equal(pidAlive(process.pid), true);
  assert.equal(pidAlive(2 ** 22 + 12345), false);
});

test('createStaging writes the owner lock; the sweep removes only abandoned folders a day old and stops orphan installers', async () => {
  const root = await mkdtemp(join(tmpdir(), 'll-staging-'));
  try {
    const mine = await createStaging(root, 'deps');
    await mine.recordInstaller(4242);
    assert.deepEqual(JSON.parse(await readFile(join(mine.dir, 'owner.lock'), 'utf8')), {
      pid: process.pid,
      installerPid: 4242,
    });

    const make = async (name: string, owner: object | undefined, ageMs: number) => {
      const dir = join(root, name);
      await mkdir(join(dir, 'python'), { recursive: true });
      if (owner) await writeFile(join(dir, 'owner.lock'), JSON.stringify(owner));
      const t = (Date.now() - ageMs) / 1000;
      await utimes(dir, t, t);
      return dir;
    };
    const deadOld = await make('lambda-layer-a-aaaaaa', { pid: 900, installerPid: 901 }, 2 * DAY);
    await make('lambda-layer-b-bbbbbb', { pid: 900, installerPid: 902 }, 1000);
    await make('lambda-layer-c-cccccc', { pid: 800 }, 5 * DAY);
    const noLockOld = await make('lambda-layer-d-dddddd', undefined, 2 * DAY);
    await make('lambda-layer-e-eeeeee', 'garbage' as unknown as object, 1000);
    await make('other-tool-ffffff', undefined, 9 * DAY);
    await writeFile(join(root, 'lambda-layer-file'), '');

    const stopped: [number, string][] = [];
    const removed = await sweepAbandonedStaging(root, {
      isAlive: (pid) => pid === 800 || pid === 901 || pid === 902 || pid === process.pid,
      stopInstaller: async (pid, dir) => void stopped.push([pid, dir]),
    });
    assert.deepEqual(removed.sort(), [deadOld, noLockOld]);
    assert.deepEqual(
      stopped.sort(),
      [
        [901, deadOld],
        [902, join(root, 'lambda-layer-b-bbbbbb')],
      ],
      'orphan installers stopped whatever the age',
    );
    assert.deepEqual(
      (await readdir(root)).sort(),
      [
        'lambda-layer-b-bbbbbb',
        'lambda-layer-c-cccccc',
        'lambda-layer-e-eeeeee',
        'lambda-layer-file',
        mine.dir.slice(root.length + 1),
        'other-tool-ffffff',
      ].sort(),
    );
    assert.deepEqual(await sweepAbandonedStaging(join(root, 'missing')), [], 'a missing root is nothing to sweep');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('the installer runs under the guard except on Windows', () => {
  for (const platform of ['linux', 'darwin'] as const) {
    const [cmd, args] = guardedCommand(
      '/usr/bin/python3',
      '/usr/bin/python3',
      ['-m', 'pip', 'install'],
      platform,
      4242,
    );
    assert.equal(cmd, '/usr/bin/python3');
    assert.deepEqual([args[0], args[1]], ['-I', '-c']);
    assert.deepEqual(args.slice(3), ['4242', '/usr/bin/python3', '-m', 'pip', 'install']);
  }
  assert.deepEqual(guardedCommand('C:\\py\\python.exe', 'C:\\bin\\uv.exe', ['pip', 'install'], 'win32'), [
    'C:\\bin\\uv.exe',
    ['pip', 'install'],
  ]);
});

test('an orphan installer is recognised only on Linux, by its command line naming the staging folder', () => {
  const cmdline = ['/usr/bin/python3', '-m', 'pip', 'install', '--target', '/tmp/lambda-layer-x-ab12/python'].join(
    '\0',
  );
  assert.equal(isOrphanInstaller('linux', cmdline, '/tmp/lambda-layer-x-ab12'), true);
  assert.equal(isOrphanInstaller('linux', cmdline, '/tmp/lambda-layer-x-other'), false, 'a reused pid');
  assert.equal(isOrphanInstaller('linux', '', '/tmp/lambda-layer-x-ab12'), false, 'gone meanwhile');
  assert.equal(isOrphanInstaller('darwin', cmdline, '/tmp/lambda-layer-x-ab12'), false);
  assert.equal(isOrphanInstaller('win32', cmdline, '/tmp/lambda-layer-x-ab12'), false);
});
