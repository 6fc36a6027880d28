import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { AwsClientFactory } from '../../../src/aws/clientFactory';
import { localConnection } from '../../../src/aws/connection';
import { classifyAwsError, toUserError } from '../../../src/aws/errors';
import { SdkLambdaGateway } from '../../../src/aws/lambdaGateway';
import { zipToBuffer } from '../../../src/layer/zip';
import { startMoto, type Moto } from '../../helpers/moto';

let moto: Moto;
let factory: AwsClientFactory;
let gw: SdkLambdaGateway;
let role: string;
let zip: Buffer;

before(async () => {
  moto = await startMoto();
  factory = new AwsClientFactory(localConnection(moto.url));
  gw = new SdkLambdaGateway(factory.lambda, 'us-east-1', moto.url);
  const created = await factory.iam.send(
    new CreateRoleCommand({ RoleName: 'gateway-test', AssumeRolePolicyDocument: '{}' }),
  );
  role = created.Role!.Arn!;
  zip = await zipToBuffer([
    { name: 'handler.py', data: Buffer.from('def handler(event, context):\n    return event\n') },
  ]);
});

after(async () => {
  factory?.dispose();
  await moto?.close();
});

test('publishes, lists and reads layer versions (GetLayerVersionByArn falls back on moto)', async () => {
  const v1 = await gw.publishLayerVersion({
    layerName: 'gw-layer',
    zipFile: zip,
    compatibleRuntimes: ['python3.12'],
    description: 'one',
  });
  const v2 = await gw.publishLayerVersion({
    layerName: 'gw-layer',
    zipFile: zip,
    compatibleArchitectures: ['arm64'],
    licenseInfo: 'MIT',
  });
  assert.equal(v1.Version, 1);
  assert.equal(v2.Version, 2);
  assert.equal(v1.Content?.CodeSize, zip.length);

  const layers = [];
  for await (const l of gw.listLayers()) layers.push(l);
  assert.deepEqual(
    layers.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version]),
    [['gw-layer', 2]],
  );

  const versions = [];
  for await (const v of gw.listLayerVersions('gw-layer')) versions.push(v.Version);
  assert.deepEqual(versions, [2, 1]);
  const none = [];
  for await (const v of gw.listLayerVersions('no-such-layer')) none.push(v);
  assert.deepEqual(none, []);

  assert.equal((await gw.getLayerVersion('gw-layer', 1)).Description, 'one');
  const byArn = await gw.getLayerVersionByArn(v2.LayerVersionArn!);
  assert.equal(byArn.Version, 2);
  assert.equal(byArn.LayerVersionArn, v2.LayerVersionArn);
  await assert.rejects(
    gw.getLayerVersionByArn(v2.LayerVersionArn!.replace(/:2$/, ':9')),
    (e) => classifyAwsError(e) === 'notFound',
  );

  await gw.deleteLayerVersion('gw-layer', 1);
  await gw.deleteLayerVersion('gw-layer', 1); // idempotent
  const left = [];
  for await (const v of gw.listLayerVersions('gw-layer')) left.push(v.Version);
  assert.deepEqual(left, [2]);
});

test('creates functions, attaches layers, waits for the update and pages the listing', async () => {
  const layer = await gw.publishLayerVersion({ layerName: 'gw-attach', zipFile: zip });
  const created = await gw.createFunction({
    name: 'gw-fn',
    runtime: 'python3.12',
    handler: 'handler.handler',
    role,
    zip,
    architecture: 'arm64',
    memorySize: 256,
    timeout: 10,
    environment: { A: '1' },
  });
  assert.equal(created.FunctionName, 'gw-fn');
  assert.deepEqual(created.Architectures, ['arm64']);

  const updated = await gw.updateFunctionLayers('gw-fn', [layer.LayerVersionArn!]);
  assert.deepEqual(
    updated.Layers?.map((l) => l.Arn),
    [layer.LayerVersionArn],
  );
  const settled = await gw.waitForFunctionUpdated('gw-fn', { maxWaitSeconds: 10 });
  assert.equal(settled.LastUpdateStatus, 'Successful');
  assert.deepEqual(
    settled.Layers?.map((l) => [l.Arn, l.CodeSize]),
    [[layer.LayerVersionArn, zip.length]],
  );
  assert.equal((await gw.getFunctionConfiguration('gw-fn')).MemorySize, 256);

  const code = await gw.updateFunctionCode('gw-fn', zip);
  assert.equal(code.FunctionName, 'gw-fn');

  const names = [];
  for await (const f of gw.listFunctions()) names.push(f.FunctionName);
  assert.ok(names.includes('gw-fn'));

  await gw.deleteFunction('gw-fn');
  await assert.rejects(gw.getFunctionConfiguration('gw-fn'), (e) => classifyAwsError(e) === 'notFound');
  await assert.rejects(
    gw.invoke('gw-fn', Buffer.from('{}'), { tail: true }),
    (e) => classifyAwsError(e) === 'notFound',
  );
});

test('an aborted listing rejects as a cancellation', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    (async () => {
      for await (const page of gw.listFunctionPages({ signal: controller.signal })) void page;
    })(),
    (e) => classifyAwsError(e) === 'cancelled',
  );
});

test('an endpoint that is down is a network error with a message naming it', async () => {
  await moto.reset();
  const down = new AwsClientFactory(localConnection('http://127.0.0.1:9'), { maxAttempts: 1 });
  try {
    const gwDown = new SdkLambdaGateway(down.lambda, 'us-east-1');
    const error = await gwDown.getFunctionConfiguration('x').catch((e: unknown) => e);
    assert.equal(classifyAwsError(error), 'network');
    assert.match(toUserError(error, { connection: down.settings }).message, /127\.0\.0\.1:9/);
  } finally {
    down.dispose();
  }
});
