import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ArchiveError, ZipArchive } from '../../../src/layer/archive';
import { zipToBuffer } from '../../../src/layer/zip';
import { readZip } from '../../fixtures/zipRead';

const text = Buffer.from('import os\n'.repeat(500));
const noise = randomBytes(3000);

test('entries copied raw from one zip into another keep bytes, CRC and method without being inflated', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-archive-'));
  try {
    const src = join(dir, 'w.whl');
    await writeFile(
      src,
      await zipToBuffer([
        { name: 'pkg/a.py', data: text },
        { name: 'pkg/n.bin', data: noise },
        { name: 'pkg/run', data: Buffer.from('#!/bin/sh\n'), executable: true },
      ]),
    );
    const archive = await ZipArchive.open(src);
    try {
      const byName = Object.fromEntries(archive.entries.map((e) => [e.name, e]));
      assert.equal(byName['pkg/a.py'].method, 8);
      assert.equal(byName['pkg/n.bin'].method, 0);
      assert.equal(byName['pkg/run'].mode, 0o100755);
      assert.ok((await archive.read(byName['pkg/a.py'])).equals(text));
      assert.equal((await archive.head(byName['pkg/a.py'], 9)).toString(), 'import os');
      const copied = await zipToBuffer(
        archive.entries.map((e) => ({
          name: `python/${e.name}`,
          executable: (e.mode & 0o111) !== 0,
          raw: {
            method: e.method,
            crc: e.crc,
            size: e.size,
            compressedSize: e.compressedSize,
            read: () => archive.raw(e),
          },
        })),
      );
      const out = Object.fromEntries((await readZip(copied)).map((e) => [e.name, e]));
      assert.ok(out['python/pkg/a.py'].data.equals(text));
      assert.ok(out['python/pkg/n.bin'].data.equals(noise));
      assert.equal(out['python/pkg/run'].mode, 0o100755);
      assert.equal(out['python/pkg/a.py'].mode, 0o100644);
    } finally {
      await archive.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a damaged entry is reported as damaged, a file that is no zip as not a zip', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-archive-'));
  try {
    const buf = await zipToBuffer([{ name: 'a.py', data: text }]);
    buf[40] ^= 0xff; // inside the deflated data
    await writeFile(join(dir, 'bad.whl'), buf);
    const archive = await ZipArchive.open(join(dir, 'bad.whl'));
    await assert.rejects(
      archive.read(archive.entries[0]),
      (e: unknown) => e instanceof ArchiveError || e instanceof Error,
    );
    await archive.close();
    await writeFile(join(dir, 'text.whl'), 'not a zip at all');
    await assert.rejects(ZipArchive.open(join(dir, 'text.whl')), {
      message: `${join(dir, 'text.whl')}: not a zip file`,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
