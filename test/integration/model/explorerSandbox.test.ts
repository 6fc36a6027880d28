import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClientFactory } from '../../../src/aws/clientFactory';
import { localConnection } from '../../../src/aws/connection';
import { SdkLambdaGateway } from '../../../src/aws/lambdaGateway';
import { zipToBuffer } from '../../../src/layer/zip';
import { ExplorerModel } from '../../../src/model/explorerModel';
import { concurrencyLimiter } from '../../../src/util/pool';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server';

// The sandbox pages ListFunctions by 50 (moto does not), so this shows the model filling in page by page.
const FUNCTIONS = 120;
let dataDir: string;
let sandbox: Sandbox;
let factory: AwsClientFactory;
let gateway: SdkLambdaGateway;
const v: string[] = [];

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'll-model-sandbox-'));
  sandbox = await startSandbox({ dataDir, updateDelayMs: 0 });
  factory = new AwsClientFactory(localConnection(sandbox.url), { credentials: sandbox.credentials });
  gateway = new SdkLambdaGateway(factory.lambda, 'us-east-1', sandbox.url);
  const zip = await zipToBuffer([{ name: 'handler.py', data: Buffer.from('def handler(e, c):\n    return 1\n') }]);
  for (let i = 0; i < 2; i++)
    v.push((await gateway.publishLayerVersion({ layerName: 'shared', zipFile: zip })).LayerVersionArn!);
  const limit = concurrencyLimiter(8);
  await Promise.all(
    Array.from({ length: FUNCTIONS }, (_, i) =>
      limit(() =>
        gateway.createFunction({
          name: `f-${String(i).padStart(3, '0')}`,
          runtime: 'python3.12',
          handler: 'handler.handler',
          role: 'arn:aws:iam::123456789012:role/test',
          zip,
          layers: [v[i % 2]],
        }),
      ),
    ),
  );
});

after(async () => {
  factory?.dispose();
  await sandbox?.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('fills in page by page and ends ready with used-by and newer-version marks', async () => {
  const model = new ExplorerModel(gateway);
  const seen: number[] = [];
  model.onDidChange((e) => {
    if (e.kind === 'functions' && model.state.status === 'loading') seen.push(model.functions.length);
  });
  await model.refresh();
  assert.equal(model.state.status, 'ready');
  assert.ok(
    seen.some((n) => n > 0 && n < FUNCTIONS),
    `partial content was visible while loading: ${seen.join(',')}`,
  );
  assert.equal(model.functions.length, FUNCTIONS);
  const shared = model.getLayer('shared')!;
  assert.deepEqual(
    shared.versions.map((x) => x.usedBy.length),
    [FUNCTIONS / 2, FUNCTIONS / 2],
  );
  assert.equal(model.getFunction('f-000')!.layers[0].newerVersion, 2);
  assert.equal(model.getFunction('f-001')!.layers[0].newerVersion, undefined);

  await gateway.updateFunctionLayers('f-000', [v[1]]);
  await gateway.waitForFunctionUpdated('f-000', { maxWaitSeconds: 10 });
  await model.refreshFunction('f-000');
  assert.equal(model.getFunction('f-000')!.layers[0].newerVersion, undefined);
  assert.equal(model.getLayer('shared')!.versions[0].usedBy.length, FUNCTIONS / 2 + 1);
  model.dispose();
});
