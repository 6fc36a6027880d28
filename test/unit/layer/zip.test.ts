import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { writeZipFile, zipToBuffer, type ZipInput } from '../../../src/layer/zip';
import { readZip } from '../../fixtures/zipRead';

const text = Buffer.from('def f():\n    return 1\n'.repeat(200));
const noise = randomBytes(4096);
const inputs: ZipInput[] = [
  { name: 'python/' },
  { name: 'python/pkg/' },
  { name: 'python/pkg/__init__.py', data: text },
  { name: 'python/pkg/blob.bin', data: noise },
  { name: 'python/pkg/empty.txt', data: Buffer.alloc(0) },
  { name: 'python/pkg/ünïcode.py', data: Buffer.from('x = 1\n') },
];

test('the same entries in any order give identical bytes', async () => {
  const a = await zipToBuffer(inputs);
  const b = await zipToBuffer([...inputs].reverse());
  const c = await zipToBuffer([inputs[3], inputs[0], inputs[5], inputs[2], inputs[1], inputs[4]]);
  assert.ok(a.equals(b));
  assert.ok(a.equals(c));
});

test('entries: sorted, fixed date, 0644 files and 0755 folders, Unix "made by", no extra fields', async () => {
  const entries = await readZip(await zipToBuffer(inputs));
  assert.deepEqual(
    entries.map((e) => e.name),
    [...inputs.map((i) => i.name)].sort(),
  );
  for (const e of entries) {
    assert.equal(e.mode, e.name.endsWith('/') ? 0o040755 : 0o100644, e.name);
    assert.equal(e.madeBy >> 8, 3);
    assert.equal(e.extraFields, 0);
    assert.equal(e.date.getFullYear(), 1980);
    assert.equal(e.date.getMonth(), 0);
    assert.equal(e.date.getDate(), 1);
  }
  const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
  assert.ok(byName['python/pkg/__init__.py'].data.equals(text));
  assert.equal(byName['python/pkg/__init__.py'].method, 8, 'text is deflated');
  assert.ok(byName['python/pkg/blob.bin'].data.equals(noise));
  assert.equal(byName['python/pkg/blob.bin'].method, 0, 'incompressible data is stored');
  assert.equal(byName['python/pkg/empty.txt'].data.length, 0);
  assert.ok(byName['python/pkg/ünïcode.py'], 'UTF-8 names survive');
});

test('files on disk: bytes, sha256 hex and base64 CodeSha256 of what was written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-zip-'));
  try {
    await writeFile(join(dir, 'a.py'), text);
    await writeFile(join(dir, 'b.bin'), noise);
    const files: ZipInput[] = [
      { name: 'python/a.py', file: { path: join(dir, 'a.py'), size: text.length } },
      { name: 'python/b.bin', file: { path: join(dir, 'b.bin'), size: noise.length } },
    ];
    const out = join(dir, 'layer.zip');
    const result = await writeZipFile(files, out);
    const bytes = await readFile(out);
    assert.equal(result.size, bytes.length);
    assert.equal(result.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(result.codeSha256, createHash('sha256').update(bytes).digest('base64'));
    const again = await writeZipFile(files, join(dir, 'again.zip'));
    assert.equal(again.sha256, result.sha256);
    assert.deepEqual(
      (await readZip(out)).map((e) => e.data.length),
      [text.length, noise.length],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('small files (read and deflated in place) and large ones (on the thread pool) zip as the same bytes in memory do', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-zip-'));
  try {
    const large = Buffer.from('x = "layer"\n'.repeat(20_000)); // 240 KB: past the in-place limit
    const grown = Buffer.concat([text, large]); // listed with its old, small size: read and deflated as it is now
    const contents = { 'a.py': text, 'big.py': large, 'b.bin': noise, 'grown.py': grown };
    for (const [name, data] of Object.entries(contents)) await writeFile(join(dir, name), data);
    const onDisk: ZipInput[] = Object.entries(contents).map(([name, data]) => ({
      name: `nodejs/${name}`,
      file: { path: join(dir, name), size: name === 'grown.py' ? text.length : data.length },
    }));
    const inMemory: ZipInput[] = Object.entries(contents).map(([name, data]) => ({ name: `nodejs/${name}`, data }));
    const zipped = await zipToBuffer(onDisk);
    assert.ok(zipped.equals(await zipToBuffer(inMemory)));
    const entries = await readZip(zipped);
    assert.deepEqual(
      entries.map((e) => [
        e.name,
        e.method,
        e.data.equals(contents[e.name.slice('nodejs/'.length) as keyof typeof contents]),
      ]),
      [
        ['nodejs/a.py', 8, true],
        ['nodejs/b.bin', 0, true],
        ['nodejs/big.py', 8, true],
        ['nodejs/grown.py', 8, true],
      ],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('duplicate names are refused; an aborted signal stops the writer', async () => {
  await assert.rejects(
    zipToBuffer([
      { name: 'a', data: Buffer.from('1') },
      { name: 'a', data: Buffer.from('2') },
    ]),
    /duplicate/,
  );
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(zipToBuffer(inputs, { signal: ac.signal }), { name: 'CancelledError' });
});

test('more than 65,535 entries get ZIP64 end records and stay readable', async () => {
  const many: ZipInput[] = Array.from({ length: 70_000 }, (_, i) => ({
    name: `f/${String(i).padStart(5, '0')}`,
    data: Buffer.from('x'),
  }));
  const zip = await zipToBuffer(many, { level: 0 });
  assert.equal(
    createHash('sha256').update(zip).digest('hex'),
    'c17bf98b1df4be50b15b941a7c9516b29b173b1cc6a9439b574054b711a66837',
    'the bytes it always had',
  );
  assert.equal(zip.readUInt32LE(zip.length - 22), 0x06054b50);
  assert.equal(zip.readUInt16LE(zip.length - 22 + 10), 0xffff);
  const entries = await readZip(zip);
  assert.equal(entries.length, 70_000);
  assert.equal(entries[69_999].name, 'f/69999');
});

test('a symlink entry holds the link text with the Unix link mode, and `unzip` restores it as a link', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-zip-'));
  try {
    const withLink: ZipInput[] = [...inputs, { name: 'python/pkg/alias.py', symlink: '__init__.py' }];
    const zip = await zipToBuffer(withLink);
    assert.ok(zip.equals(await zipToBuffer([...withLink].reverse())), 'still deterministic');
    const link = (await readZip(zip)).find((e) => e.name === 'python/pkg/alias.py')!;
    assert.equal(link.mode, 0o120777);
    assert.equal(link.data.toString(), '__init__.py');
    await writeFile(join(dir, 'l.zip'), zip);
    const unzip = spawnSync('unzip', ['-q', join(dir, 'l.zip'), '-d', join(dir, 'x')]);
    if (unzip.error) return; // no unzip here: the entry's fields were checked above
    assert.equal(await readlink(join(dir, 'x', 'python', 'pkg', 'alias.py')), '__init__.py');
    assert.ok((await readFile(join(dir, 'x', 'python', 'pkg', 'alias.py'))).equals(text));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Bytes that look random but are the same on every run (sha256 chained over a seed). */
function fixedNoise(length: number, seed: string): Buffer {
  const blocks: Buffer[] = [];
  for (let block = createHash('sha256').update(seed).digest(), n = 0; n < length; n += block.length) {
    blocks.push(block);
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat(blocks).subarray(0, length);
}

test('a mixed archive has exactly the bytes it always had (in memory and on disk)', async () => {
  // Nothing here is deflated by the writer (noise is stored, deflated bytes come in raw), so the pinned hash does
  // not depend on the zlib build, only on the writer's own bytes.
  const dir = await mkdtemp(join(tmpdir(), 'll-zip-'));
  try {
    const small = fixedNoise(3000, 'small');
    const large = fixedNoise(300_000, 'large'); // read on the thread pool, and written without a copy
    await writeFile(join(dir, 'small.bin'), small);
    await writeFile(join(dir, 'large.bin'), large);
    const hello = Buffer.from('hello zip\n'.repeat(20));
    const helloDeflated = Buffer.from('cb48cdc9c957a8ca2ce0ca18d22c00', 'hex');
    const raw = (method: 0 | 8, data: Buffer, stored: Buffer): ZipInput['raw'] => ({
      method,
      crc: zlib.crc32(data),
      size: data.length,
      compressedSize: stored.length,
      read: async () => stored,
    });
    const mixed: ZipInput[] = [
      { name: 'python/' },
      { name: 'python/pkg/' },
      { name: 'python/pkg/noise.bin', data: fixedNoise(5000, 'noise') },
      { name: 'python/pkg/empty.txt', data: Buffer.alloc(0) },
      { name: 'python/pkg/ünïcode.py', data: Buffer.from('x = 1\n') },
      { name: 'python/bin/tool', data: Buffer.from('#!'), executable: true },
      { name: 'python/pkg/alias.py', symlink: 'ünïcode.py' },
      { name: 'python/pkg/hello.txt', raw: raw(8, hello, helloDeflated) },
      { name: 'python/pkg/stored.bin', raw: raw(0, small, small), executable: true },
      { name: 'python/pkg/small.bin', file: { path: join(dir, 'small.bin'), size: small.length } },
      { name: 'python/pkg/large.bin', file: { path: join(dir, 'large.bin'), size: large.length } },
    ];
    const inMemory = await zipToBuffer(mixed);
    const expected = 'e648d91936f851b0e8f9a3a754bed5f5aac2773ca2c147d55958e9a5d75e86bb';
    assert.equal(createHash('sha256').update(inMemory).digest('hex'), expected);
    const onDisk = await writeZipFile(mixed, join(dir, 'mixed.zip'));
    assert.equal(onDisk.sha256, expected);
    assert.ok((await readFile(join(dir, 'mixed.zip'))).equals(inMemory));
    assert.ok((await readZip(inMemory)).find((e) => e.name === 'python/pkg/hello.txt')!.data.equals(hello));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
