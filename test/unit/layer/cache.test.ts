import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, reusableBuild, sha256File, type CacheKeyInput } from '../../../src/layer/cache';
import { resolveTarget } from '../../../src/layer/runtimes';
import { MANIFEST_VERSION, type LayerManifest } from '../../../src/layer/manifest';

const base: CacheKeyInput = {
  toolVersion: '0.1.0',
  layerName: 'deps',
  requirements: {
    requirements: [],
    envRefs: ['TOKEN'],
    indexes: [],
    files: [
      { path: '/proj/requirements.txt', content: '-r base.txt\nflask\n' },
      { path: '/proj/base.txt', content: 'requests\n' },
    ],
  },
  target: resolveTarget('python3.12', 'x86_64'),
  installer: 'pip',
  allowSourceBuilds: false,
  allowIncompatible: false,
  pythonPath: 'python3',
  pipConfig: {
    env: [['PIP_INDEX_URL', 'https://a/simple']],
    files: [{ path: '/etc/pip.conf', content: '[global]\n' }],
    values: {},
  },
  env: { TOKEN: 'secret', UV_INDEX_URL: 'https://uv/simple' },
};

test('the cache key changes with every input that can change the zip', () => {
  const key = cacheKey(base);
  const withFiles = (files: { path: string; content: string }[]) => ({
    ...base,
    requirements: { ...base.requirements, files },
  });
  const variants: [string, CacheKeyInput][] = [
    [
      'requirements content',
      withFiles([{ ...base.requirements.files[0], content: 'flask==3\n' }, base.requirements.files[1]]),
    ],
    ['included file', withFiles([base.requirements.files[0], { path: '/proj/base.txt', content: 'requests==2\n' }])],
    ['runtime', { ...base, target: resolveTarget('python3.13', 'x86_64') }],
    ['architecture', { ...base, target: resolveTarget('python3.12', 'arm64') }],
    ['installer', { ...base, installer: 'uv' }],
    ['source builds', { ...base, allowSourceBuilds: true }],
    ['override', { ...base, allowIncompatible: true }],
    ['python', { ...base, pythonPath: '/usr/bin/python3.12' }],
    ['PIP_* env', { ...base, pipConfig: { ...base.pipConfig, env: [['PIP_INDEX_URL', 'https://b/simple']] } }],
    [
      'pip.conf',
      {
        ...base,
        pipConfig: { ...base.pipConfig, files: [{ path: '/etc/pip.conf', content: '[global]\nindex-url=x\n' }] },
      },
    ],
    ['${VAR} used in requirements', { ...base, env: { ...base.env, TOKEN: 'other' } }],
    ['layer name', { ...base, layerName: 'other' }],
    ['tool version', { ...base, toolVersion: '0.2.0' }],
  ];
  for (const [what, input] of variants) assert.notEqual(cacheKey(input), key, what);
});

test('the cache key ignores what cannot change the zip', () => {
  const key = cacheKey(base);
  const moved = {
    ...base,
    requirements: {
      ...base.requirements,
      files: base.requirements.files.map((f) => ({ ...f, path: f.path.replace('/proj', '/elsewhere') })),
    },
  };
  assert.equal(cacheKey(moved), key, 'moving the project');
  assert.equal(
    cacheKey({ ...base, env: { ...base.env, UNRELATED: '1', UV_INDEX_URL: 'x' } }),
    key,
    'unrelated env, UV_* with pip',
  );
  assert.notEqual(
    cacheKey({ ...base, installer: 'uv', env: { ...base.env, UV_INDEX_URL: 'x' } }),
    cacheKey({ ...base, installer: 'uv' }),
    'UV_* with uv',
  );
});

test('a previous build is reused only when key, size and sha256 all match', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-cache-'));
  try {
    const zip = join(dir, 'deps.zip');
    const manifestPath = join(dir, 'deps.manifest.json');
    await writeFile(zip, 'zip bytes');
    const manifest = {
      manifestVersion: MANIFEST_VERSION,
      cacheKey: 'k1',
      zippedSize: 9,
      sha256: await sha256File(zip),
    } as LayerManifest;
    await writeFile(manifestPath, JSON.stringify(manifest));
    assert.equal((await reusableBuild(manifestPath, zip, 'k1'))?.cacheKey, 'k1');
    assert.equal(await reusableBuild(manifestPath, zip, 'k2'), undefined, 'other inputs');
    await writeFile(zip, 'zip byteZ');
    assert.equal(await reusableBuild(manifestPath, zip, 'k1'), undefined, 'same size, other bytes');
    await rm(zip);
    assert.equal(await reusableBuild(manifestPath, zip, 'k1'), undefined, 'zip gone');
    await writeFile(manifestPath, '{ broken');
    assert.equal(await reusableBuild(manifestPath, zip, 'k1'), undefined, 'unreadable manifest');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
