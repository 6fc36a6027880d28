import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { startMoto, type Moto } from '../../helpers/moto';
import { localConnection } from '../../../src/aws/connection';
import { openSession, type OpsSession } from '../../../src/ops/session';
import { publishLayer, type PublishProgress } from '../../../src/ops/publish';
import { DIRECT_UPLOAD_LIMIT } from '../../../src/layer/manifest';
import { mutateFunctionLayers } from '../../../src/ops/mutateLayers';
import { attachLayer, detachLayer } from '../../../src/ops/layerList';
import { deleteLayerVersion, planDelete } from '../../../src/ops/deleteLayer';
import { HANDLER_ZIP, layerZip, randomZip } from './zips';

let moto: Moto;
let session: OpsSession;
let dir: string;

before(async () => {
  moto = await startMoto();
  session = openSession(localConnection(moto.url));
  dir = await fs.mkdtemp(join(tmpdir(), 'ops-moto-'));
});
after(async () => {
  session?.dispose();
  await moto?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function createFunction(name: string): Promise<void> {
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  const role = await iam
    .send(
      new CreateRoleCommand({
        RoleName: `role-${name}`,
        AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
      }),
    )
    .finally(() => iam.destroy());
  await session.gateway.createFunction({
    name,
    runtime: 'python3.12',
    handler: 'app.handler',
    role: role.Role!.Arn!,
    zip: HANDLER_ZIP,
  });
}

test('publish, attach, detach, delete round trip against moto', async () => {
  const gw = session.gateway;
  const zipA = join(dir, 'a.zip');
  const zipB = join(dir, 'b.zip');
  await layerZip(zipA, 'a');
  await layerZip(zipB, 'b');
  const a = await publishLayer(gw, { zipPath: zipA, name: 'round-a', compatibleRuntimes: ['python3.12'] });
  const b = await publishLayer(gw, { zipPath: zipB, name: 'round-b' });
  assert.equal(a.kind, 'published');
  assert.equal(b.kind, 'published');
  const arnA = a.kind === 'published' ? a.layerVersion.LayerVersionArn! : '';
  const arnB = b.kind === 'published' ? b.layerVersion.LayerVersionArn! : '';
  assert.equal(
    (await publishLayer(gw, { zipPath: zipA, name: 'round-a', compatibleRuntimes: ['python3.12'] })).kind,
    'unchanged',
  );

  await createFunction('round-fn');
  await mutateFunctionLayers(gw, 'round-fn', (c) => attachLayer(c, arnA));
  await mutateFunctionLayers(gw, 'round-fn', (c) => attachLayer(c, arnB));
  assert.deepEqual(
    (await gw.getFunctionConfiguration('round-fn')).Layers?.map((l) => l.Arn),
    [arnA, arnB],
  );

  const plan = await planDelete(gw, 'round-a', 1);
  assert.deepEqual(plan.usedBy, ['round-fn']);

  const r = await mutateFunctionLayers(gw, 'round-fn', (c) => detachLayer(c, 'round-a'));
  assert.equal(r.kind, 'updated');
  assert.deepEqual(
    (await gw.getFunctionConfiguration('round-fn')).Layers?.map((l) => l.Arn),
    [arnB],
  );
  assert.deepEqual((await planDelete(gw, 'round-a', 1)).usedBy, []);

  await deleteLayerVersion(gw, plan);
  await assert.rejects(planDelete(gw, 'round-a', 1), /does not exist/);
  assert.equal((await gw.getLayerVersion('round-b', 1)).LayerVersionArn, arnB, 'the other layer is untouched');
});

test(
  'a zip over 50 MB goes through S3 (multipart) and the published CodeSha256 matches the file',
  { timeout: 180_000 },
  async () => {
    const zip = join(dir, 'big.zip');
    await randomZip(zip, 55 * 1024 * 1024);
    const size = (await fs.stat(zip)).size;
    assert.ok(size > DIRECT_UPLOAD_LIMIT);
    const sha = createHash('sha256').update(await fs.readFile(zip));
    const expected = sha.digest('base64');

    await session.s3.send(new CreateBucketCommand({ Bucket: 'layer-uploads' }));
    const progress: PublishProgress[] = [];
    const r = await publishLayer(
      session.gateway,
      { zipPath: zip, name: 'big', s3Bucket: 'layer-uploads' },
      { s3: session.s3, onProgress: (p) => progress.push(p) },
    );
    assert.equal(r.kind, 'published');
    if (r.kind !== 'published') return;
    assert.equal(r.via, 's3');
    assert.match(r.s3Key ?? '', /^lambda-layers\/big\/[0-9a-f]{64}\.zip$/);
    assert.equal(r.layerVersion.Content?.CodeSha256, expected);
    assert.equal(r.layerVersion.Content?.CodeSize, size);
    const uploads = progress.filter((p) => p.phase === 'uploading');
    assert.ok(uploads.length > 2, 'several progress events (multipart)');
    assert.equal(uploads.at(-1)?.phase === 'uploading' && uploads.at(-1)?.loadedBytes, size);

    // Same bytes again: recognised as unchanged without uploading a byte.
    const later: PublishProgress[] = [];
    const again = await publishLayer(
      session.gateway,
      { zipPath: zip, name: 'big', s3Bucket: 'layer-uploads' },
      { s3: session.s3, onProgress: (p) => later.push(p) },
    );
    assert.equal(again.kind, 'unchanged');
    assert.ok(!later.some((p) => p.phase === 'uploading'));
  },
);

test('aborting the signal aborts the S3 upload', { timeout: 120_000 }, async () => {
  const zip = join(dir, 'big2.zip');
  await randomZip(zip, 52 * 1024 * 1024);
  await session.s3.send(new CreateBucketCommand({ Bucket: 'abort-uploads' }));
  const abort = new AbortController();
  const p = publishLayer(
    session.gateway,
    { zipPath: zip, name: 'aborted', s3Bucket: 'abort-uploads' },
    {
      s3: session.s3,
      signal: abort.signal,
      onProgress: (e) => {
        if (e.phase === 'uploading' && e.loadedBytes > 0) abort.abort();
      },
    },
  );
  await assert.rejects(p, { name: 'CancelledError' });
  const versions = [];
  for await (const v of session.gateway.listLayerVersions('aborted')) versions.push(v);
  assert.equal(versions.length, 0);
});
