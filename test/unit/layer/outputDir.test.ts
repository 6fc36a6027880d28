import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputDir, virtualFileSystem } from '../../../src/layer/outputDir';

test('kernel file systems are told apart on Linux only', () => {
  assert.equal(virtualFileSystem(0x9fa0, 'linux'), 'proc');
  assert.equal(virtualFileSystem(0x62656572, 'linux'), 'sysfs');
  assert.equal(virtualFileSystem(0xef53, 'linux'), undefined, 'ext4 holds files');
  assert.equal(virtualFileSystem(0x01021994, 'linux'), undefined, 'tmpfs holds files');
  assert.equal(virtualFileSystem(0x9fa0, 'darwin'), undefined);
  assert.equal(virtualFileSystem(0x9fa0, 'win32'), undefined);
});

test('an output folder is created when missing and left as it was (no probe file remains)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-out-'));
  try {
    await checkOutputDir(join(dir, 'a', 'b'));
    assert.deepEqual(await readdir(join(dir, 'a', 'b')), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('folders that cannot hold a zip are refused with the reason first and the path last', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-out-'));
  try {
    await writeFile(join(dir, 'file'), '');
    await assert.rejects(checkOutputDir(join(dir, 'file')), {
      message: `The output folder cannot hold the layer zip (not a folder). Choose another folder: ${join(dir, 'file')}`,
    });
    await assert.rejects(checkOutputDir(join(dir, 'file', 'sub')), /cannot hold the layer zip \(ENOTDIR\)/);
    if (process.platform === 'linux') {
      await assert.rejects(checkOutputDir('/proc/self'), {
        message:
          'The output folder cannot hold the layer zip (proc is a kernel file system, not storage). Choose another folder: /proc/self',
      });
      await assert.rejects(checkOutputDir('/sys/kernel'), /\(sysfs is a kernel file system/);
    }
    if (process.getuid?.() !== 0) {
      await chmod(dir, 0o555);
      await assert.rejects(checkOutputDir(dir), /cannot hold the layer zip \(EACCES\)/);
      await chmod(dir, 0o755);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test(
  'a folder whose file system calls do not return is refused in time instead of hanging the build',
  { skip: process.platform === 'win32' },
  async () => {
    // Every libuv file system thread blocked in open() of a FIFO without a writer: the probe's calls wait
    // forever, as calls into a hung file system do.
    const dir = await mkdtemp(join(tmpdir(), 'll-out-'));
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const fifos = Array.from({ length: threads }, (_, i) => join(dir, `fifo${i}`));
    for (const f of fifos) assert.equal(spawnSync('mkfifo', [f]).status, 0);
    const blocked = fifos.map((f) => open(f, 'r').then((h) => h.close()));
    try {
      const started = Date.now();
      await assert.rejects(checkOutputDir(join(dir, 'out'), 'linux', 2000), {
        message: `The output folder cannot hold the layer zip (a test file could not be written there within 2 seconds). Choose another folder: ${join(dir, 'out')}`,
      });
      assert.ok(Date.now() - started < 5000);
    } finally {
      // Writers release the blocked threads.
      for (const f of fifos) spawnSync('sh', ['-c', `: > "${f}"`]);
      await Promise.all(blocked);
      await rm(dir, { recursive: true, force: true });
    }
  },
);
