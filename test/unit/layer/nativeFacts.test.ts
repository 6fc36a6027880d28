// What the compatibility scan reads of a wheel's files is kept per wheel in the build cache, so a rebuild never
// inflates an unchanged wheel's libraries again; a damaged cache file is read again from the wheel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipArchive } from '../../../src/layer/archive';
import { BuildCache } from '../../../src/layer/buildCache';
import type { LayerFile } from '../../../src/layer/content';
import { isNativeFacts } from '../../../src/layer/nativeFacts';
import { resolveTarget } from '../../../src/layer/runtimes';
import { scanCompatibility } from '../../../src/layer/scan';
import { WheelNativeFacts } from '../../../src/layer/wheelNativeFacts';
import { zipToBuffer } from '../../../src/layer/zip';
import { makeElf } from '../../fixtures/elf';

const SHA = 'a'.repeat(64);
const py311 = resolveTarget('python3.11', 'x86_64');

async function wheel(dir: string): Promise<string> {
  const path = join(dir, 'w.whl');
  await writeFile(
    path,
    await zipToBuffer([
      {
        name: 'pkg/_ext.cpython-311-x86_64-linux-gnu.so',
        data: makeElf({ versions: { 'libc.so.6': ['GLIBC_2.34'], 'libpq.so.5': [] } }),
      },
      { name: 'pkg/mac.so', data: Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 1, 2, 3, 4]) },
      { name: 'pkg/broken.so', data: Buffer.from('\x7fELF garbage that is not an object', 'latin1') },
      { name: 'pkg/data.bin', data: Buffer.from('plain bytes') },
    ]),
  );
  return path;
}

function files(archive: ZipArchive): LayerFile[] {
  return archive.entries.map((entry) => ({ path: entry.name, size: entry.size, source: { archive, entry } }));
}

async function scan(archive: ZipArchive, known: WheelNativeFacts) {
  const owners = new Map(archive.entries.map((e) => [e.name, 'pkg']));
  const { incompatibilities } = await scanCompatibility(
    { root: 'python', files: files(archive), links: [] },
    py311,
    owners,
    undefined,
    known,
  );
  return incompatibilities.map((i) => `${i.path}: ${i.reason}: ${i.detail}`);
}

test('a wheel scanned once is scanned again from its cached facts alone, with the same findings', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-facts-'));
  try {
    const cache = new BuildCache(join(dir, 'cache'));
    const archive = await ZipArchive.open(await wheel(dir));
    const first = await WheelNativeFacts.load(cache, [{ archive, sha256: SHA }]);
    assert.deepEqual(first.paths, [cache.nativeFactsPath(SHA)]);
    const found = await scan(archive, first);
    assert.equal(found.length, 4, found.join('\n')); // glibc, libpq missing, Mach-O, damaged ELF
    await first.save();
    await archive.close();
    assert.deepEqual(await readdir(join(dir, 'cache', 'native')), [`${SHA}-facts1.json`], 'no temp file left');

    // The same wheel again, but every read of its bytes fails: the findings can only come from the cache.
    const again = await ZipArchive.open(join(dir, 'w.whl'));
    const unreadable = Object.assign(again, {
      read: () => Promise.reject(new Error('read')),
      head: () => Promise.reject(new Error('head')),
    });
    const second = await WheelNativeFacts.load(cache, [{ archive: unreadable, sha256: SHA }]);
    assert.deepEqual(await scan(unreadable, second), found);
    await again.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a cache file that is torn, or holds something else than facts, is ignored and written anew', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-facts-'));
  try {
    const cache = new BuildCache(join(dir, 'cache'));
    const archive = await ZipArchive.open(await wheel(dir));
    const path = cache.nativeFactsPath(SHA);
    const expected = await scan(archive, await WheelNativeFacts.load(cache, [{ archive, sha256: 'b'.repeat(64) }]));
    for (const damaged of [
      '{"files": {"pkg/_ext.cpython-311-x86_64-linux-gnu.so": {"kind": "elf", "info": {"bits": 64}}}}',
      '{"files": {"pkg/mac.so": {"kind": "other"}',
      'null',
    ]) {
      await cache.tempFor(path);
      await writeFile(path, damaged);
      const known = await WheelNativeFacts.load(cache, [{ archive, sha256: SHA }]);
      assert.deepEqual(await scan(archive, known), expected, damaged);
      await known.save();
      const saved = JSON.parse(await readFile(path, 'utf8')) as { files: Record<string, unknown> };
      assert.ok(Object.values(saved.files).every(isNativeFacts));
      assert.equal(Object.keys(saved.files).length, 4);
    }
    await archive.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
