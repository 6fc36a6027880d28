import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractZip, UnsafeZipError } from '../../../src/sandbox/runtime/extractZip';
import { makeZip } from '../../helpers/sandbox';

const MB = 1024 * 1024;

describe('extractZip', () => {
  let base: string;
  let n = 0;
  const fresh = async () => {
    const dir = join(base, `case-${n++}`);
    await fs.mkdir(join(dir, 'dest'), { recursive: true });
    return dir;
  };

  before(async () => {
    base = await fs.mkdtemp(join(tmpdir(), 'extract-test-'));
  });
  after(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  it('extracts files, folders, modes and in-tree symlinks; counts bytes', async () => {
    const dir = await fresh();
    const zip = makeZip(
      [
        { name: 'python/', dir: true },
        { name: 'python/pkg/__init__.py', data: 'x = 1\n' },
        { name: 'bin/tool', data: '#!/bin/sh\necho hi\n', mode: 0o755 },
        { name: 'lib/libfoo.so.1', data: 'ELF' },
        { name: 'lib/libfoo.so', symlink: 'libfoo.so.1' },
        { name: 'python/lib/link-up', symlink: '../../lib/libfoo.so.1' },
      ],
      { deflate: true },
    );
    const r = await extractZip(zip, join(dir, 'dest'), { maxUnzippedBytes: MB });
    assert.equal(r.entries, 6);
    assert.equal(await fs.readFile(join(dir, 'dest/python/pkg/__init__.py'), 'utf8'), 'x = 1\n');
    assert.equal((await fs.stat(join(dir, 'dest/bin/tool'))).mode & 0o777, 0o755);
    assert.equal((await fs.stat(join(dir, 'dest/python/pkg/__init__.py'))).mode & 0o777, 0o644);
    assert.equal(await fs.readlink(join(dir, 'dest/lib/libfoo.so')), 'libfoo.so.1');
    assert.equal(await fs.readFile(join(dir, 'dest/python/lib/link-up'), 'utf8'), 'ELF');
  });

  it('later zips overwrite earlier files, like layers merged into /opt', async () => {
    const dir = await fresh();
    const dest = join(dir, 'dest');
    await extractZip(
      makeZip([
        { name: 'python/a.py', data: 'first' },
        { name: 'python/only1.py', data: '1' },
      ]),
      dest,
      { maxUnzippedBytes: MB },
    );
    await extractZip(makeZip([{ name: 'python/a.py', data: 'second' }]), dest, { maxUnzippedBytes: MB });
    assert.equal(await fs.readFile(join(dest, 'python/a.py'), 'utf8'), 'second');
    assert.equal(await fs.readFile(join(dest, 'python/only1.py'), 'utf8'), '1');
  });

  it('reads a zip from a file path', async () => {
    const dir = await fresh();
    await fs.writeFile(join(dir, 'x.zip'), makeZip([{ name: 'a.txt', data: 'A' }]));
    await extractZip(join(dir, 'x.zip'), join(dir, 'dest'), { maxUnzippedBytes: MB });
    assert.equal(await fs.readFile(join(dir, 'dest/a.txt'), 'utf8'), 'A');
  });

  for (const [title, entries] of [
    ['a ../ entry', [{ name: '../evil.txt', data: 'x' }]],
    ['a nested ../ entry', [{ name: 'a/../../evil.txt', data: 'x' }]],
    ['an absolute entry', [{ name: '/tmp/evil.txt', data: 'x' }]],
    ['a symlink to an absolute path', [{ name: 'link', symlink: '/etc' }]],
    ['a symlink climbing out', [{ name: 'a/link', symlink: '../../outside' }]],
    [
      'a symlink with .. after a folder',
      [
        { name: 'up', symlink: '.' },
        { name: 'x', symlink: 'up/..' },
      ],
    ],
  ] as const) {
    it(`refuses ${title} and writes nothing outside`, async () => {
      const dir = await fresh();
      await assert.rejects(
        extractZip(makeZip([...entries]), join(dir, 'dest'), { maxUnzippedBytes: MB }),
        (e: Error) => e instanceof UnsafeZipError || /invalid relative path|absolute path/.test(e.message),
      );
      assert.deepEqual((await fs.readdir(dir)).sort(), ['dest']);
    });
  }

  it('never writes through a symlink that an entry planted inside (dir symlink to ".")', async () => {
    const dir = await fresh();
    // up -> "." is inside; "up/../x" cannot be named (.. refused), and writing "up/file" lands inside.
    await extractZip(
      makeZip([
        { name: 'up', symlink: '.' },
        { name: 'up/file.txt', data: 'in' },
      ]),
      join(dir, 'dest'),
      { maxUnzippedBytes: MB },
    );
    assert.equal(await fs.readFile(join(dir, 'dest/file.txt'), 'utf8'), 'in');
  });

  it('replaces a planted symlink instead of following it when a file of the same name comes later', async () => {
    const dir = await fresh();
    await fs.writeFile(join(dir, 'victim.txt'), 'safe');
    const dest = join(dir, 'dest');
    await fs.symlink(join(dir, 'victim.txt'), join(dest, 'f.txt')); // as if left by an earlier layer
    await extractZip(makeZip([{ name: 'f.txt', data: 'new' }]), dest, { maxUnzippedBytes: MB });
    assert.equal(await fs.readFile(join(dir, 'victim.txt'), 'utf8'), 'safe');
    assert.equal(await fs.readFile(join(dest, 'f.txt'), 'utf8'), 'new');
  });

  it('refuses to write under a pre-existing symlinked folder that points outside', async () => {
    const dir = await fresh();
    await fs.mkdir(join(dir, 'outside'));
    await fs.symlink(join(dir, 'outside'), join(dir, 'dest', 'python'));
    await assert.rejects(
      extractZip(makeZip([{ name: 'python/x.py', data: 'x' }]), join(dir, 'dest'), { maxUnzippedBytes: MB }),
      UnsafeZipError,
    );
    assert.deepEqual(await fs.readdir(join(dir, 'outside')), []);
  });

  it('caps the unzipped size on real bytes (a small deflated zip of a big file)', async () => {
    const dir = await fresh();
    const zip = makeZip([{ name: 'big.bin', data: Buffer.alloc(3 * MB) }], { deflate: true });
    assert.ok(zip.length < 50_000);
    await assert.rejects(
      extractZip(zip, join(dir, 'dest'), { maxUnzippedBytes: 2 * MB }),
      /exceeds the limit of 2097152 bytes/,
    );
    await extractZip(zip, join(dir, 'dest2'), { maxUnzippedBytes: 3 * MB });
  });

  it('catches a zip whose central directory understates an entry size', async () => {
    const dir = await fresh();
    const zip = makeZip([{ name: 'big.bin', data: Buffer.alloc(100_000) }], { deflate: true });
    // Patch the declared uncompressed size in both headers to 10 bytes.
    zip.writeUInt32LE(10, 22);
    const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(10, cd + 24);
    await assert.rejects(extractZip(zip, join(dir, 'dest'), { maxUnzippedBytes: 50 }));
  });
});
