import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ArchiveError, ZipArchive, isExecutable } from '../../../src/layer/archive';
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

/** Rewrites fields of one entry's headers, as other zip writers set them (our writer never does). */
function patchEntry(zip: Buffer, name: string, patch: { utf8Flag?: false; madeBy?: number; mode?: number }): void {
  const bytes = Buffer.from(name);
  for (let at = zip.indexOf('PK'); at >= 0 && at + 4 <= zip.length; at = zip.indexOf('PK', at + 2)) {
    const central = zip.readUInt32LE(at) === 0x02014b50;
    if (!central && zip.readUInt32LE(at) !== 0x04034b50) continue;
    const nameAt = at + (central ? 46 : 30);
    if (!zip.subarray(nameAt, nameAt + bytes.length).equals(bytes)) continue;
    const flagsAt = at + (central ? 8 : 6);
    if (patch.utf8Flag === false) zip.writeUInt16LE(zip.readUInt16LE(flagsAt) & ~0x0800, flagsAt);
    if (central && patch.madeBy !== undefined) zip.writeUInt16LE(patch.madeBy, at + 4);
    if (central && patch.mode !== undefined) zip.writeUInt32LE((patch.mode << 16) >>> 0, at + 38);
  }
}

test('names and exec bits are read as Python’s zipfile and pip read them: no UTF-8 flag means CP437; only a regular file with an x bit is executable, whatever system made the zip', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-archive-'));
  try {
    const zip = await zipToBuffer([
      { name: 'pkg/café.py', data: text },
      { name: 'pkg/link', symlink: 'café.py' },
      { name: 'pkg/bare', data: text },
      { name: 'pkg/dos', data: text },
      { name: 'pkg/run', data: text, executable: true },
    ]);
    patchEntry(zip, 'pkg/café.py', { utf8Flag: false });
    patchEntry(zip, 'pkg/bare', { mode: 0o755 });
    patchEntry(zip, 'pkg/dos', { madeBy: 20, mode: 0o100755 });
    await writeFile(join(dir, 'w.whl'), zip);
    const archive = await ZipArchive.open(join(dir, 'w.whl'));
    try {
      const names = archive.entries.map((e) => e.name);
      assert.ok(names.includes('pkg/caf├⌐.py'), names.join());
      const executable = archive.entries.filter((e) => isExecutable(e.mode)).map((e) => e.name);
      assert.deepEqual(executable, ['pkg/dos', 'pkg/run']);
      const cafe = archive.entries.find((e) => e.name === 'pkg/caf├⌐.py')!;
      assert.ok((await archive.read(cafe)).equals(text));
    } finally {
      await archive.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
