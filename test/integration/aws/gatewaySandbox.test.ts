import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAliasCommand, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { AwsClientFactory } from '../../../src/aws/clientFactory';
import { localConnection } from '../../../src/aws/connection';
import { classifyAwsError } from '../../../src/aws/errors';
import { SdkLambdaGateway } from '../../../src/aws/lambdaGateway';
import { zipToBuffer } from '../../../src/layer/zip';
import { concurrencyLimiter } from '../../../src/util/pool';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server';

// What moto cannot show: real pagination, Pending/InProgress states, RevisionId (412) and 409 while updating.
let dataDir: string;
let sandbox: Sandbox;
let factory: AwsClientFactory;
let gw: SdkLambdaGateway;
let zip: Buffer;
const ROLE = 'arn:aws:iam::123456789012:role/test';

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'll-gw-sandbox-'));
  sandbox = await startSandbox({ dataDir, updateDelayMs: 150 });
  factory = new AwsClientFactory(localConnection(sandbox.url), { credentials: sandbox.credentials });
  gw = new SdkLambdaGateway(factory.lambda, 'us-east-1', sandbox.url);
  zip = await zipToBuffer([
    {
      name: 'handler.py',
      data: Buffer.from('def handler(event, context):\n    print("hello from handler")\n    return {"echo": event}\n'),
    },
  ]);
});

after(async () => {
  factory?.dispose();
  await sandbox?.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('listings follow NextMarker through every page', async () => {
  const limit = concurrencyLimiter(8);
  await Promise.all(
    Array.from({ length: 55 }, (_, i) =>
      limit(() => gw.publishLayerVersion({ layerName: `page-layer-${String(i).padStart(2, '0')}`, zipFile: zip })),
    ),
  );
  await Promise.all(
    Array.from({ length: 120 }, (_, i) =>
      limit(() =>
        gw.createFunction({
          name: `page-fn-${String(i).padStart(3, '0')}`,
          runtime: 'python3.12',
          handler: 'handler.handler',
          role: ROLE,
          zip,
        }),
      ),
    ),
  );
  const sizes: number[] = [];
  for await (const page of gw.listFunctionPages()) sizes.push(page.length);
  assert.deepEqual(sizes, [50, 50, 20]);
  let layers = 0;
  for await (const l of gw.listLayers()) if (l.LayerName?.startsWith('page-layer-')) layers++;
  assert.equal(layers, 55);
});

test('waits through Pending and InProgress; stale RevisionId is 412, an update during an update is 409', async () => {
  const layer = await gw.publishLayerVersion({ layerName: 'state-layer', zipFile: zip });
  const created = await gw.createFunction({
    name: 'state-fn',
    runtime: 'python3.12',
    handler: 'handler.handler',
    role: ROLE,
    zip,
  });
  assert.equal(created.State, 'Pending');
  const active = await gw.waitForFunctionUpdated('state-fn', { maxWaitSeconds: 20 });
  assert.equal(active.State, 'Active');
  const staleRevision = active.RevisionId!;

  const updating = await gw.updateFunctionLayers('state-fn', [layer.LayerVersionArn!], staleRevision);
  assert.equal(updating.LastUpdateStatus, 'InProgress');
  await assert.rejects(gw.updateFunctionLayers('state-fn', []), (e) => classifyAwsError(e) === 'conflict');
  const done = await gw.waitForFunctionUpdated('state-fn', { maxWaitSeconds: 20 });
  assert.equal(done.LastUpdateStatus, 'Successful');
  assert.deepEqual(
    done.Layers?.map((l) => l.Arn),
    [layer.LayerVersionArn],
  );

  await assert.rejects(
    gw.updateFunctionLayers('state-fn', [], staleRevision),
    (e) => classifyAwsError(e) === 'preconditionFailed',
  );
  const byArn = await gw.getLayerVersionByArn(layer.LayerVersionArn!);
  assert.equal(byArn.Version, layer.Version);
});

test('invoke returns the payload and the decoded log tail', async () => {
  await gw.createFunction({ name: 'invoke-fn', runtime: 'python3.12', handler: 'handler.handler', role: ROLE, zip });
  await gw.waitForFunctionUpdated('invoke-fn', { maxWaitSeconds: 20 });
  const result = await gw.invoke('invoke-fn', Buffer.from('{"a":1}'), { tail: true });
  assert.equal(result.statusCode, 200);
  assert.equal(result.functionError, undefined, Buffer.from(result.payload).toString());
  assert.deepEqual(JSON.parse(Buffer.from(result.payload).toString()), { echo: { a: 1 } });
  assert.match(result.logTail ?? '', /hello from handler/);
  assert.match(result.logTail ?? '', /START RequestId/);
});

test('versions and aliases: every page of ListVersionsByFunction, ListAliases and the ALL sweep', async () => {
  const lambda = factory.lambda;
  await gw.createFunction({ name: 'gw-versions', runtime: 'python3.12', handler: 'handler.handler', role: ROLE, zip });
  await gw.waitForFunctionUpdated('gw-versions');
  for (let i = 1; i <= 52; i++) {
    await gw.updateFunctionCode(
      'gw-versions',
      await zipToBuffer([{ name: 'handler.py', data: Buffer.from(`def handler(e, c):\n    return ${i}\n`) }]),
    );
    await gw.waitForFunctionUpdated('gw-versions');
    await lambda.send(new PublishVersionCommand({ FunctionName: 'gw-versions' }));
  }
  for (const name of ['a', 'b'])
    await lambda.send(new CreateAliasCommand({ FunctionName: 'gw-versions', Name: name, FunctionVersion: '52' }));

  const versions: string[] = [];
  for await (const v of gw.listVersionsByFunction('gw-versions')) versions.push(v.Version!);
  assert.deepEqual(
    versions,
    ['$LATEST', ...Array.from({ length: 52 }, (_, i) => String(i + 1))],
    'past the 50-item page',
  );
  const aliases: string[] = [];
  for await (const a of gw.listAliases('gw-versions')) aliases.push(`${a.Name}=${a.FunctionVersion}`);
  assert.deepEqual(aliases, ['a=52', 'b=52']);
  let swept = 0;
  for await (const page of gw.listFunctionPages({ allVersions: true }))
    swept += page.filter((f) => f.FunctionName === 'gw-versions').length;
  assert.equal(swept, 53);
});
