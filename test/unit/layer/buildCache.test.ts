import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildCache, defaultBuildCacheDir } from '../../../src/layer/buildCache';

const sha = (data: string) => createHash('sha256').update(data).digest('hex');

test('the default cache folder is build/ in the per-user cache folder of each platform', () => {
  assert.equal(defaultBuildCacheDir({ HOME: '/home/u' }, 'linux'), '/home/u/.cache/lambda-layers/build');
  assert.equal(defaultBuildCacheDir({ HOME: '/home/u', XDG_CACHE_HOME: '/c' }, 'linux'), '/c/lambda-layers/build');
  assert.equal(defaultBuildCacheDir({ HOME: '/Users/u' }, 'darwin'), '/Users/u/Library/Caches/lambda-layers/build');
  assert.match(
    defaultBuildCacheDir({ USERPROFILE: 'C:\\Users\\u', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32'),
    /lambda-layers[\\/]Cache[\\/]build$/,
  );
});

test('a wheel is kept under its SHA-256 only when its bytes hash to it; eviction drops the least recently used, never the ones in use; clear empties it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-buildcache-'));
  try {
    const cache = new BuildCache(join(dir, 'cache'), 10);
    const file = join(dir, 'a.whl');
    await writeFile(file, 'wheel-a');
    assert.equal(await cache.putWheel(file, sha('something else')), false, 'wrong bytes are refused');
    await writeFile(file, 'wheel-a');
    assert.equal(await cache.putWheel(file, sha('wheel-a')), true);
    await writeFile(file, 'wheel-b');
    assert.equal(await cache.putWheel(file, sha('wheel-b')), true);
    assert.equal(await cache.has(cache.wheelPath(sha('wheel-b'))), true);
    const old = new Date(Date.now() - 60_000);
    await utimes(cache.wheelPath(sha('wheel-b')), old, old);
    await writeFile(file, 'wheel-c');
    await cache.putWheel(file, sha('wheel-c'));
    // A killed writer's temp file goes once it is old; a fresh one may be a running build's.
    await writeFile(join(dir, 'cache', 'wheels', 'x.whl.1234.part'), 'partial');
    await writeFile(join(dir, 'cache', 'wheels', 'y.whl.5678.part'), 'partial');
    await utimes(join(dir, 'cache', 'wheels', 'x.whl.1234.part'), new Date(0), new Date(0));
    // 21 bytes in a 10-byte cache: b is the oldest, a is in use, so b then the unused c... until it fits.
    assert.equal(await cache.evict([cache.wheelPath(sha('wheel-a'))]), 2);
    assert.deepEqual(await readdir(join(dir, 'cache', 'wheels')), [`${sha('wheel-a')}.whl`, 'y.whl.5678.part']);
    assert.equal(await cache.clear(), 14);
    assert.deepEqual(await readdir(join(dir, 'cache')), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a cache write is whole or absent: a writer that fails leaves no temp file and the entry it would have replaced', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-buildcache-'));
  try {
    const cache = new BuildCache(join(dir, 'cache'), 1e6);
    const path = cache.nativeFactsPath(sha('w'));
    await cache.write(path, (temp) => writeFile(temp, 'good'));
    assert.equal(await readFile(path, 'utf8'), 'good');
    await assert.rejects(
      cache.write(path, async (temp) => {
        await writeFile(temp, 'torn');
        throw new Error('killed');
      }),
      /killed/,
    );
    assert.equal(await readFile(path, 'utf8'), 'good');
    assert.deepEqual(await readdir(join(dir, 'cache', 'native')), [`${sha('w')}-facts1.json`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
