// The shared size guard (src/stack/stackGuard.ts) against the local endpoint: exact totals from the zips for attach,
// update and publish, the 90 % warning, a lower bound when a zip cannot be read, and the command line's attach and
// publish --function warning before they act. The endpoint refuses a stack past the limit, as AWS does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, runCli } from '../../helpers/cli';
import {
  makeZip,
  withSandbox,
  TEST_ROLE,
  type TestSandbox,
  type ZipEntry,
  sandboxSession,
} from '../../helpers/sandbox';
import type { OpsSession } from '../../../src/ops/session';
import { attachChange, checkStackSize, publishChange, replaceChange } from '../../../src/stack/stackGuard';
import { ZipCache } from '../../../src/stack/zipCache';

const MB = 1024 * 1024;
const CODE = [{ name: 'app.py', data: 'def handler(e, c):\n    return 1\n' }];
const CODE_BYTES = Buffer.byteLength(CODE[0].data);

let dir: string;
let sandbox: TestSandbox;
let session: OpsSession;
let big: string;
let more: string;
let grow1: string;
let grow2: string;
let hundred: string;

before(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'stack-guard-'));
  sandbox = await withSandbox({ updateDelayMs: 20 });
  session = sandboxSession(sandbox);
  big = await publish('guard-big', [{ name: 'python/blob.bin', data: Buffer.alloc(140 * MB) }]);
  more = await publish('guard-more', [{ name: 'python/more.bin', data: Buffer.alloc(125 * MB) }]);
  hundred = await publish('guard-hundred', [{ name: 'python/h.bin', data: Buffer.alloc(100 * MB) }]);
  grow1 = await publish('guard-grow', [{ name: 'python/g.py', data: 'x = 1\n' }]);
  grow2 = await publish('guard-grow', [{ name: 'python/g.bin', data: Buffer.alloc(125 * MB) }]);
});
after(async () => {
  session?.dispose();
  await sandbox?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function publish(name: string, entries: ZipEntry[]): Promise<string> {
  const v = await session.gateway.publishLayerVersion({
    layerName: name,
    zipFile: makeZip(entries, { deflate: true }),
    compatibleRuntimes: ['python3.12'],
  });
  return v.LayerVersionArn!;
}

async function createFunction(name: string, layers: string[]): Promise<void> {
  await session.gateway.createFunction({
    name,
    runtime: 'python3.12',
    handler: 'app.handler',
    role: TEST_ROLE,
    zip: makeZip(CODE, { deflate: true }),
    layers,
  });
  await session.gateway.waitForFunctionUpdated(name);
}

const freshCache = async () => new ZipCache(await fs.mkdtemp(join(dir, 'cache-')));

test(
  'attach: the exact total from the zips passes the limit (no "at least"), and the endpoint refuses the update',
  { timeout: 120_000 },
  async () => {
    await createFunction('guard-attach', [big]);
    const check = await checkStackSize(session.gateway, attachChange('guard-attach', [{ arn: more }]), {
      cache: await freshCache(),
    });
    assert.equal(check.totalBytes, 140 * MB + 125 * MB + CODE_BYTES);
    assert.equal(check.lowerBound, false);
    assert.equal(check.level, 'over');
    assert.match(
      check.message!,
      /^Function code and layers unzipped are 265 MB, over the 250 MB limit; Lambda will refuse it\.$/,
    );
    assert.deepEqual(
      check.items.map((i) => i.arn),
      [undefined, big, more],
    );
    await assert.rejects(
      session.gateway.updateFunctionLayers('guard-attach', [big, more]),
      /exceeds the maximum allowed size of 262144000 bytes/,
    );
  },
);

test(
  'update: moving to a heavier version is checked with that version in place of the old one',
  { timeout: 120_000 },
  async () => {
    await createFunction('guard-update', [big, grow1]);
    const cache = await freshCache();
    const check = await checkStackSize(session.gateway, replaceChange('guard-update', grow1, grow2), { cache });
    assert.equal(check.level, 'over');
    assert.deepEqual(
      check.items.map((i) => [i.arn, i.exact]),
      [
        [undefined, true],
        [big, true],
        [grow2, true],
      ],
    );
    const before = cache.downloads;
    await checkStackSize(session.gateway, replaceChange('guard-update', grow1, grow2), { cache });
    assert.equal(cache.downloads, before, 'a second check reads the cached zips');
  },
);

test(
  "publish: a built zip in place of the function's version of that layer; 90 % warns, past the limit refuses",
  { timeout: 120_000 },
  async () => {
    await createFunction('guard-publish', [hundred, grow1]);
    const heavy = join(dir, 'grow-heavy.zip');
    await fs.writeFile(heavy, makeZip([{ name: 'python/g.bin', data: Buffer.alloc(180 * MB) }], { deflate: true }));
    const over = await checkStackSize(session.gateway, publishChange('guard-publish', 'guard-grow', heavy), {
      cache: await freshCache(),
    });
    assert.equal(over.totalBytes, 100 * MB + 180 * MB + CODE_BYTES);
    assert.equal(over.level, 'over');
    const near = join(dir, 'grow-near.zip');
    await fs.writeFile(near, makeZip([{ name: 'python/g.bin', data: Buffer.alloc(140 * MB) }], { deflate: true }));
    const warn = await checkStackSize(session.gateway, publishChange('guard-publish', 'guard-grow', near), {
      cache: await freshCache(),
    });
    assert.equal(warn.level, 'warn');
    assert.match(warn.message!, /^Function code and layers unzipped are 240 MB \(96% of the 250 MB limit\)\.$/);
    const small = await checkStackSize(session.gateway, publishChange('guard-publish', 'guard-other', near), {
      cache: await freshCache(),
    });
    assert.equal(small.totalBytes, 100 * MB + 6 + 140 * MB + CODE_BYTES, 'another layer name is added, not swapped in');
  },
);

test(
  'a zip that cannot be downloaded counts with its zipped size, and the total is a lower bound',
  { timeout: 60_000 },
  async () => {
    await createFunction('guard-unreadable', [big]);
    const gateway = Object.create(session.gateway) as typeof session.gateway;
    gateway.getLayerVersionByArn = async (arn) => ({
      ...(await session.gateway.getLayerVersionByArn(arn)),
      Content: { CodeSha256: 'not-a-sha', CodeSize: 1234 },
    });
    const check = await checkStackSize(gateway, attachChange('guard-unreadable', [{ arn: more, codeSize: 999 }]), {
      cache: await freshCache(),
    });
    assert.equal(check.lowerBound, true);
    const zipped = (await session.gateway.getFunctionConfiguration('guard-unreadable')).Layers![0].CodeSize;
    assert.deepEqual(
      check.items.map((i) => [i.bytes, i.exact]),
      [
        [CODE_BYTES, true],
        [zipped, false],
        [999, false],
      ],
      'attached: its CodeSize; new: the one given',
    );
  },
);

test(
  'the command line: attach warns before the endpoint refuses; publish --function warns and publishes',
  { timeout: 180_000 },
  async () => {
    await createFunction('guard-cli', [big]);
    const env = cliEnv({ XDG_CACHE_HOME: join(dir, 'cli-cache') });
    const attach = await runCli(['attach', 'guard-cli', more, '--endpoint', sandbox.url], env);
    assert.equal(attach.code, 1, attach.stdout);
    const warning = attach.stderr.indexOf(
      'warning: Function code and layers unzipped are 265 MB, over the 250 MB limit; Lambda will refuse it.',
    );
    const refusal = attach.stderr.indexOf('exceeds the maximum allowed size of 262144000 bytes');
    assert.ok(warning >= 0 && refusal > warning, attach.stderr);
    assert.deepEqual(
      (await session.gateway.getFunctionConfiguration('guard-cli')).Layers?.map((l) => l.Arn),
      [big],
    );

    const zip = join(dir, 'cli-more.zip');
    await fs.writeFile(zip, makeZip([{ name: 'python/more.bin', data: Buffer.alloc(125 * MB) }], { deflate: true }));
    const pub = await runCli(
      ['publish', zip, '--name', 'guard-more', '--function', 'guard-cli', '--endpoint', sandbox.url],
      env,
    );
    assert.equal(pub.code, 0, pub.stderr);
    assert.match(
      pub.stderr,
      /^warning: guard-cli: Function code and layers unzipped are 265 MB, over the 250 MB limit/m,
    );
    assert.match(pub.stdout, /:layer:guard-more:\d+\n$/);
    const unknown = await runCli(
      ['publish', zip, '--name', 'guard-more', '--function', 'no-such-fn', '--endpoint', sandbox.url],
      env,
    );
    assert.equal(unknown.code, 1, 'a mistyped target stops the publish before anything is sent');
    assert.match(unknown.stderr, /no-such-fn/);
  },
);

test(
  'the endpoint refuses a stack past the limit on every path, as AWS does: create, code update, layer update',
  { timeout: 120_000 },
  async () => {
    const refused = /exceeds the maximum allowed size of 262144000 bytes/;
    await assert.rejects(
      session.gateway.createFunction({
        name: 'guard-create',
        runtime: 'python3.12',
        handler: 'app.handler',
        role: TEST_ROLE,
        zip: makeZip(CODE, { deflate: true }),
        layers: [big, more],
      }),
      refused,
    );
    await createFunction('guard-code', [big, hundred]);
    const heavyCode = makeZip([...CODE, { name: 'data.bin', data: Buffer.alloc(20 * MB) }], { deflate: true });
    const cache = await freshCache();
    const before = await checkStackSize(
      session.gateway,
      { functionName: 'guard-code', layersAfter: (current) => current.map((arn) => ({ arn })) },
      { cache },
    );
    assert.equal(before.level, 'warn', '240 MB: accepted, with a warning');
    const sha = (await session.gateway.getFunctionConfiguration('guard-code')).CodeSha256;
    await assert.rejects(session.gateway.updateFunctionCode('guard-code', heavyCode), refused);
    assert.equal(
      (await session.gateway.getFunctionConfiguration('guard-code')).CodeSha256,
      sha,
      'the refused code is not kept',
    );
    await assert.rejects(session.gateway.updateFunctionLayers('guard-code', [big, more]), refused);
  },
);

test(
  'a Node.js function whose ES modules import a layer-only package: the check, attach and publish warn before the change',
  { timeout: 120_000 },
  async () => {
    const layerFiles: ZipEntry[] = [
      { name: 'nodejs/node_modules/dayjs/package.json', data: '{"name":"dayjs","version":"1.11.0","main":"index.js"}' },
      { name: 'nodejs/node_modules/dayjs/index.js', data: 'module.exports = () => 2026;\n' },
      { name: 'nodejs/node22/node_modules/@x/util/package.json', data: '{"name":"@x/util","version":"1.0.0"}' },
      { name: 'nodejs/node22/node_modules/@x/util/index.js', data: 'module.exports = 1;\n' },
    ];
    const v = await session.gateway.publishLayerVersion({
      layerName: 'guard-node',
      zipFile: makeZip(layerFiles, { deflate: true }),
      compatibleRuntimes: ['nodejs22.x'],
    });
    const esmCode = [
      { name: 'package.json', data: '{"type":"module"}' },
      {
        name: 'index.js',
        data: "import dayjs from 'dayjs';\nimport u from '@x/util';\nexport const handler = async () => dayjs();\n",
      },
    ];
    await session.gateway.createFunction({
      name: 'guard-esm',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      role: TEST_ROLE,
      zip: makeZip(esmCode, { deflate: true }),
    });
    await session.gateway.waitForFunctionUpdated('guard-esm');
    const check = await checkStackSize(session.gateway, attachChange('guard-esm', [{ arn: v.LayerVersionArn! }]), {
      cache: await freshCache(),
    });
    assert.equal(check.message, undefined, 'no size warning');
    assert.match(check.esmWarning ?? '', /'dayjs', '@x\/util' \(first in index\.js\)/);
    assert.match(check.esmWarning ?? '', /createRequire\(import\.meta\.url\)/);

    const env = cliEnv({ XDG_CACHE_HOME: join(dir, 'cli-cache-esm') });
    const attach = await runCli(['attach', 'guard-esm', v.LayerVersionArn!, '--endpoint', sandbox.url], env);
    assert.equal(attach.code, 0, attach.stderr);
    assert.match(attach.stderr, /^warning: ES module code imports 'dayjs', '@x\/util'/m);

    const zip = join(dir, 'node-layer.zip');
    await fs.writeFile(zip, makeZip(layerFiles, { deflate: true }));
    const pub = await runCli(
      ['publish', zip, '--name', 'guard-node', '--function', 'guard-esm', '--endpoint', sandbox.url],
      env,
    );
    assert.equal(pub.code, 0, pub.stderr);
    assert.match(pub.stderr, /^warning: guard-esm: ES module code imports 'dayjs', '@x\/util'/m);

    // The same imports through createRequire (CommonJS resolution, which searches NODE_PATH): nothing to say.
    await session.gateway.updateFunctionCode(
      'guard-esm',
      makeZip(
        [
          esmCode[0],
          {
            name: 'index.js',
            data: "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst dayjs = require('dayjs');\nexport const handler = async () => dayjs();\n",
          },
        ],
        { deflate: true },
      ),
    );
    await session.gateway.waitForFunctionUpdated('guard-esm');
    const after = await checkStackSize(session.gateway, attachChange('guard-esm', []), { cache: await freshCache() });
    assert.equal(after.esmWarning, undefined);
  },
);

test(
  'the command line: deploy warns about layer-only ES module imports in the new code, and refuses code that puts the stack past the limit before uploading',
  { timeout: 180_000 },
  async () => {
    const env = cliEnv({ XDG_CACHE_HOME: join(dir, 'cli-cache-deploy') });
    const folder = async (name: string, files: Record<string, string | Buffer>) => {
      const root = join(dir, name);
      for (const [rel, data] of Object.entries(files)) {
        await fs.mkdir(join(root, rel, '..'), { recursive: true });
        await fs.writeFile(join(root, rel), data);
      }
      return root;
    };

    const layer = await session.gateway.publishLayerVersion({
      layerName: 'guard-deploy-node',
      zipFile: makeZip(
        [
          { name: 'nodejs/node_modules/dayjs/package.json', data: '{"name":"dayjs","version":"1.11.0"}' },
          { name: 'nodejs/node_modules/dayjs/index.js', data: 'module.exports = () => 2026;\n' },
        ],
        { deflate: true },
      ),
      compatibleRuntimes: ['nodejs22.x'],
    });
    await session.gateway.createFunction({
      name: 'guard-deploy-esm',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      role: TEST_ROLE,
      zip: makeZip([{ name: 'index.js', data: 'exports.handler = async () => 1;\n' }], { deflate: true }),
      layers: [layer.LayerVersionArn!],
    });
    await session.gateway.waitForFunctionUpdated('guard-deploy-esm');
    const esm = await folder('deploy-esm', {
      'package.json': '{"type":"module"}',
      'index.js': "import dayjs from 'dayjs';\nexport const handler = async () => dayjs();\n",
    });
    const deployed = await runCli(['deploy', 'guard-deploy-esm', '--from', esm, '--endpoint', sandbox.url], env);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stderr, /^warning: ES module code imports 'dayjs' \(first in index\.js\)/m);
    assert.match(deployed.stderr, /createRequire\(import\.meta\.url\)/);
    assert.equal(
      (await session.gateway.getFunctionConfiguration('guard-deploy-esm')).CodeSha256,
      deployed.stdout.trim(),
      'a warning, and the code is deployed',
    );

    await createFunction('guard-deploy-big', [big, hundred]);
    const sha = (await session.gateway.getFunctionConfiguration('guard-deploy-big')).CodeSha256;
    const heavy = await folder('deploy-big', { 'app.py': CODE[0].data, 'data.bin': Buffer.alloc(20 * MB) });
    const refused = await runCli(['deploy', 'guard-deploy-big', '--from', heavy, '--endpoint', sandbox.url], env);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(
      refused.stderr,
      /^error: Function code and layers unzipped are 260 MB, over the 250 MB limit; Lambda will refuse it\. Nothing was uploaded to guard-deploy-big/m,
    );
    assert.doesNotMatch(refused.stderr, /exceeds the maximum allowed size/, 'refused here, not by the endpoint');
    assert.equal((await session.gateway.getFunctionConfiguration('guard-deploy-big')).CodeSha256, sha);
  },
);
