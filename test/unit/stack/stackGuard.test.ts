// The shared stack check (src/stack/stackGuard.ts) for a code deploy, over the in-memory Lambda: the function's
// code is the new zip (never its current code), its layers stay, and the ES module check reads the new code.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { FakeGateway } from '../../helpers/fakeGateway';
import { zipToBuffer } from '../../../src/layer/zip';
import { checkStackSize, codeChange } from '../../../src/stack/stackGuard';
import { ZipCache } from '../../../src/stack/zipCache';
import { bytesOf, tempDir } from './fixtures';

const zipOf = (files: Record<string, string>) =>
  zipToBuffer(Object.entries(files).map(([name, text]) => ({ name, data: Buffer.from(text) })));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');

const LAYER = {
  'nodejs/node_modules/dayjs/package.json': '{"name":"dayjs","version":"1.11.0","main":"index.js"}',
  'nodejs/node_modules/dayjs/index.js': 'module.exports = () => 2026;\n',
};
const ESM_CODE = {
  'package.json': '{"type":"module"}',
  'index.js': "import dayjs from 'dayjs';\nexport const handler = async () => dayjs();\n",
};

const cleanups: (() => Promise<void>)[] = [];
after(() => Promise.all(cleanups.map((c) => c())));

/** A function with one layer; the layer's zip is in the cache (the fake has no download locations). */
async function setup(runtime: string): Promise<{ gateway: FakeGateway; cache: ZipCache; layerArn: string }> {
  const { dir, cleanup } = await tempDir();
  cleanups.push(cleanup);
  const gateway = new FakeGateway();
  const cache = new ZipCache(join(dir, 'cache'));
  const layerZip = await zipOf(LAYER);
  const layer = await gateway.publishLayerVersion({ layerName: 'dates', zipFile: layerZip });
  await cache.store(layer.Content!.CodeSha256!, layerZip);
  const old = await zipOf({ 'index.js': 'exports.handler = async () => 1;\n'.repeat(100) });
  await gateway.createFunction({
    name: 'fn',
    runtime,
    handler: 'index.handler',
    role: 'arn:aws:iam::123456789012:role/r',
    zip: old,
    layers: [layer.LayerVersionArn!],
  });
  return { gateway, cache, layerArn: layer.LayerVersionArn! };
}

test('codeChange: the new code and the layers the function keeps, exactly; the current code is not read', async () => {
  const { gateway, cache, layerArn } = await setup('nodejs22.x');
  const zip = await zipOf(ESM_CODE);
  const warnings: string[] = [];
  const check = await checkStackSize(gateway, codeChange('fn', { codeSha256: sha256(zip), zip }), {
    cache,
    log: { trace() {}, debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} },
  });
  assert.deepEqual(warnings, [], 'the current code (not cached, no download location) was not needed');
  assert.deepEqual(
    check.items.map((i) => [i.arn, i.bytes, i.exact]),
    [
      [undefined, bytesOf(ESM_CODE), true],
      [layerArn, bytesOf(LAYER), true],
    ],
  );
  assert.equal(check.lowerBound, false);
  assert.equal(check.level, 'ok');
  assert.match(check.esmWarning ?? '', /^ES module code imports 'dayjs' \(first in index\.js\)/);
  assert.equal(cache.downloads, 0);
  const stored = await fs.readFile(cache.pathOf(sha256(zip)));
  assert.ok(stored.equals(zip), 'the new code is cached under its CodeSha256 for later analyses');
});

test('codeChange: new code that loads the package through createRequire, or a Python function, has no ES module warning', async () => {
  const node = await setup('nodejs22.x');
  const cjsForm = await zipOf({
    'package.json': '{"type":"module"}',
    'index.js':
      "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport const handler = async () => require('dayjs')();\n",
  });
  const fixed = await checkStackSize(node.gateway, codeChange('fn', { codeSha256: sha256(cjsForm), zip: cjsForm }), {
    cache: node.cache,
  });
  assert.equal(fixed.esmWarning, undefined);

  const python = await setup('python3.12');
  const zip = await zipOf(ESM_CODE);
  const check = await checkStackSize(python.gateway, codeChange('fn', { codeSha256: sha256(zip), zip }), {
    cache: python.cache,
  });
  assert.equal(check.esmWarning, undefined);
  assert.equal(check.totalBytes, bytesOf(ESM_CODE) + bytesOf(LAYER));
});

test('ZipCache.store keeps only a zip whose SHA-256 is the CodeSha256 given', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const cache = new ZipCache(dir);
    const zip = await zipOf(ESM_CODE);
    await assert.rejects(cache.store(sha256(Buffer.from('other')), zip), /not/);
    assert.deepEqual(await fs.readdir(dir), []);
    const path = await cache.store(sha256(zip), zip);
    assert.equal(await cache.zip(sha256(zip), undefined), path, 'read back without a download location');
  } finally {
    await cleanup();
  }
});
