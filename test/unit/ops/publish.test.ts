import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishLayer } from '../../../src/ops/publish';
import { version as toolVersion } from '../../../package.json';
import { DIRECT_UPLOAD_LIMIT, MANIFEST_VERSION } from '../../../src/layer/manifest';
import { UserError } from '../../../src/util/errors';
import { FakeGateway } from '../../helpers/fakeGateway';

let dir: string;
let zip: string;
let bytes: Buffer;

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'ops-publish-'));
  zip = join(dir, 'deps.zip');
  bytes = randomBytes(4096);
  await fs.writeFile(zip, bytes);
  const sha = createHash('sha256').update(bytes).digest();
  await fs.writeFile(
    join(dir, 'deps.manifest.json'),
    JSON.stringify({
      manifestVersion: MANIFEST_VERSION,
      runtime: 'python3.12',
      architecture: 'arm64',
      packages: [
        { name: 'requests', version: '2.32.3', size: 1 },
        { name: 'certifi', version: '2024.2.2', size: 1 },
        { name: '(other files)', version: '', size: 1 },
      ],
      unzippedSize: 9000,
      sha256: sha.toString('hex'),
      codeSha256: sha.toString('base64'),
    }),
  );
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

test('publishes in the request with metadata from the build manifest', async () => {
  const gw = new FakeGateway();
  const r = await publishLayer(gw, { zipPath: zip, name: 'deps' });
  assert.equal(r.kind, 'published');
  if (r.kind !== 'published') return;
  assert.equal(r.via, 'request');
  assert.equal(r.layerVersion.Version, 1);
  assert.equal(
    r.layerVersion.Description,
    `certifi 2024.2.2, requests 2.32.3 [lambda-layers sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)} v${toolVersion}]`,
    'the description records the zip and the tool, as fleet publishes do',
  );
  assert.deepEqual(r.layerVersion.CompatibleRuntimes, ['python3.12']);
  assert.deepEqual(r.layerVersion.CompatibleArchitectures, ['arm64']);
  assert.equal(r.layerVersion.Content?.CodeSha256, createHash('sha256').update(bytes).digest('base64'));
});

test('the same zip is unchanged whether its version was published by another release of the tool or before versions were marked', async () => {
  for (const description of [
    `certifi 2024.2.2, requests 2.32.3 [lambda-layers sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)} v0.0.9]`,
    'certifi 2024.2.2, requests 2.32.3',
  ]) {
    const gw = new FakeGateway();
    await gw.publishLayerVersion({
      layerName: 'deps',
      zipFile: bytes,
      description,
      compatibleRuntimes: ['python3.12'],
      compatibleArchitectures: ['arm64'],
    });
    const again = await publishLayer(gw, { zipPath: zip, name: 'deps' });
    assert.equal(again.kind, 'unchanged', description);
    const other = await publishLayer(gw, { zipPath: zip, name: 'deps', description: 'something else' });
    assert.equal(other.kind, 'published', 'a description of other words is a change');
  }
});

test('the same zip and metadata again is unchanged, without publishing; force publishes anyway', async () => {
  const gw = new FakeGateway();
  await publishLayer(gw, { zipPath: zip, name: 'deps' });
  const again = await publishLayer(gw, { zipPath: zip, name: 'deps' });
  assert.equal(again.kind, 'unchanged');
  if (again.kind === 'unchanged') assert.equal(again.existing.Version, 1);
  assert.equal(gw.calls.filter((c) => c.startsWith('publish')).length, 1);
  const forced = await publishLayer(gw, { zipPath: zip, name: 'deps', force: true });
  assert.equal(forced.kind === 'published' && forced.layerVersion.Version, 2);
});

test('different metadata or different bytes publish a new version', async () => {
  const gw = new FakeGateway();
  await publishLayer(gw, { zipPath: zip, name: 'deps' });
  assert.equal((await publishLayer(gw, { zipPath: zip, name: 'deps', description: 'other' })).kind, 'published');
  assert.equal(
    (await publishLayer(gw, { zipPath: zip, name: 'deps', description: 'other', licenseInfo: 'MIT' })).kind,
    'published',
  );
  assert.equal(
    (
      await publishLayer(gw, {
        zipPath: zip,
        name: 'deps',
        description: 'other',
        licenseInfo: 'MIT',
        compatibleArchitectures: ['x86_64'],
      })
    ).kind,
    'published',
  );
  assert.equal(
    (
      await publishLayer(gw, {
        zipPath: zip,
        name: 'deps',
        description: 'other',
        licenseInfo: 'MIT',
        compatibleArchitectures: ['x86_64'],
      })
    ).kind,
    'unchanged',
  );
  await fs.rm(join(dir, 'deps.manifest.json'));
  await fs.writeFile(zip, randomBytes(100));
  assert.equal(
    (
      await publishLayer(gw, {
        zipPath: zip,
        name: 'deps',
        description: 'other',
        licenseInfo: 'MIT',
        compatibleArchitectures: ['x86_64'],
      })
    ).kind,
    'published',
  );
});

test('only the newest version counts for idempotence', async () => {
  const gw = new FakeGateway();
  await publishLayer(gw, { zipPath: zip, name: 'deps' });
  await publishLayer(gw, { zipPath: zip, name: 'deps', description: 'x' });
  assert.equal((await publishLayer(gw, { zipPath: zip, name: 'deps' })).kind, 'published');
});

test('refuses bad names, a missing zip, a stale manifest and bad metadata before calling AWS', async () => {
  const gw = new FakeGateway();
  await assert.rejects(publishLayer(gw, { zipPath: zip, name: 'bad name' }), UserError);
  await assert.rejects(publishLayer(gw, { zipPath: zip, name: 'x'.repeat(141) }), UserError);
  await assert.rejects(publishLayer(gw, { zipPath: join(dir, 'none.zip'), name: 'deps' }), UserError);
  await assert.rejects(publishLayer(gw, { zipPath: zip, name: 'deps', description: 'd'.repeat(257) }), UserError);
  await assert.rejects(publishLayer(gw, { zipPath: zip, name: 'deps', compatibleArchitectures: ['amd64'] }), UserError);
  await fs.writeFile(zip, randomBytes(10));
  await assert.rejects(publishLayer(gw, { zipPath: zip, name: 'deps' }), /does not belong/);
  assert.deepEqual(gw.calls, []);
});

test('a zip over 50 MB needs a bucket', async () => {
  const gw = new FakeGateway();
  await fs.rm(join(dir, 'deps.manifest.json'));
  await fs.truncate(zip, DIRECT_UPLOAD_LIMIT + 1);
  await assert.rejects(
    publishLayer(gw, { zipPath: zip, name: 'deps' }),
    (e: unknown) => e instanceof UserError && /S3 bucket/.test(e.message),
  );
  assert.ok(!gw.calls.some((c) => c.startsWith('publish')));
});
