import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { userCacheDir } from '../../../src/stack/cacheDir';
import { compareVersions, diffContents } from '../../../src/stack/diff';
import { zipContents } from '../../../src/stack/packages';
import { ZipCache } from '../../../src/stack/zipCache';
import { readZipIndex } from '../../../src/stack/zipIndex';
import { UserError } from '../../../src/util/errors';
import { dist, tempDir, writeZip } from './fixtures';

test('versions order numerically, pre-releases before and post-releases after the release', () => {
  assert.equal(compareVersions('1.10.0', '1.9.9'), 1);
  assert.equal(compareVersions('2.0', '2.0.0'), 0);
  assert.equal(compareVersions('2.0.0rc1', '2.0.0'), -1);
  assert.equal(compareVersions('2.9.0.post0', '2.9.0'), 1);
  assert.equal(compareVersions('1.0.0-beta.2', '1.0.0'), -1);
  assert.equal(compareVersions('v3', '2'), 1);
});

test('diff: added, removed, upgraded, downgraded, changed and the size change of each', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const read = async (name: string, files: Record<string, string>) =>
      zipContents('layer', await readZipIndex(await writeZip(join(dir, name), files)));
    const before = await read('a.zip', {
      ...dist('python', 'requests', '2.31.0', 'a'),
      ...dist('python', 'six', '1.16.0'),
      ...dist('python', 'idna', '3.7'),
      ...dist('python', 'attrs', '23.1', '1'),
    });
    const after = await read('b.zip', {
      ...dist('python', 'requests', '2.32.3', 'abc'),
      ...dist('python', 'idna', '3.6'),
      ...dist('python', 'urllib3', '2.2.1'),
      ...dist('python', 'attrs', '23.1', '12'),
    });
    const d = diffContents(before, after);
    assert.deepEqual(
      d.changes.map((c) => [c.name, c.kind]),
      [
        ['urllib3', 'added'],
        ['six', 'removed'],
        ['requests', 'upgraded'],
        ['idna', 'downgraded'],
        ['attrs', 'changed'],
      ],
    );
    assert.equal(d.changes.find((c) => c.name === 'requests')!.sizeDelta, 2);
    assert.ok(d.changes.find((c) => c.name === 'six')!.sizeDelta < 0);
    assert.equal(d.unzippedAfter - d.unzippedBefore, after.unzippedBytes - before.unzippedBytes);
  } finally {
    await cleanup();
  }
});

test('the user cache folder follows each platform', () => {
  assert.equal(userCacheDir('linux', {}, '/home/u'), '/home/u/.cache/lambda-layers');
  assert.equal(userCacheDir('linux', { XDG_CACHE_HOME: '/x' }, '/home/u'), '/x/lambda-layers');
  assert.equal(userCacheDir('linux', { XDG_CACHE_HOME: 'relative' }, '/home/u'), '/home/u/.cache/lambda-layers');
  assert.equal(userCacheDir('darwin', {}, '/Users/u'), '/Users/u/Library/Caches/lambda-layers');
  assert.equal(
    userCacheDir('win32', { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'C:\\Users\\u'),
    'C:\\Users\\u\\AppData\\Local\\lambda-layers\\Cache',
  );
  assert.equal(userCacheDir('win32', {}, 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Local\\lambda-layers\\Cache');
});

/** A fetch that serves `bodies` by URL and counts requests. */
function fakeFetch(bodies: Map<string, Buffer>) {
  const calls: string[] = [];
  const impl = (async (url: string | URL | Request) => {
    calls.push(String(url));
    const body = bodies.get(String(url));
    return body ? new Response(body) : new Response('nope', { status: 403 });
  }) as typeof fetch;
  return { impl, calls };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('base64');

test('the zip cache downloads once per CodeSha256, refuses a zip whose hash differs, evicts the least recently used', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const a = Buffer.alloc(600, 1);
    const b = Buffer.alloc(600, 2);
    const { impl, calls } = fakeFetch(
      new Map([
        ['http://x/a', a],
        ['http://x/b', b],
        ['http://x/wrong', b],
      ]),
    );
    const cache = new ZipCache(join(dir, 'zips'), { maxBytes: 1000, fetch: impl });
    const pa = await cache.zip(sha(a), 'http://x/a');
    assert.deepEqual(await fs.readFile(pa), a);
    assert.equal(await cache.zip(sha(a), 'http://expired/'), pa, 'a cached zip needs no location');
    assert.equal(calls.length, 1);
    await assert.rejects(
      cache.zip(
        sha(a).replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
        'http://x/wrong',
      ),
      UserError,
    );
    await assert.rejects(cache.zip(sha(b), 'http://x/missing'), /HTTP 403/);
    assert.deepEqual(
      (await fs.readdir(join(dir, 'zips'))).filter((n) => !n.endsWith('.zip')),
      [],
      'no partial downloads left',
    );
    await cache.rememberUnzipped(sha(a), 1234, 'arn:l:1');
    assert.equal((await cache.knownSizes()).bySha256.get(sha(a)), 1234);
    assert.equal((await cache.knownSizes()).byArn.get('arn:l:1'), 1234);
    await cache.zip(sha(b), 'http://x/b');
    await assert.rejects(fs.stat(pa), 'a is evicted to keep the cache under 1000 bytes');
    assert.equal((await cache.knownSizes()).bySha256.has(sha(a)), false);
    assert.throws(() => cache.pathOf('../../etc'), /not a CodeSha256/);
  } finally {
    await cleanup();
  }
});
