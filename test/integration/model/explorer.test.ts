import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { AwsClientFactory } from '../../../src/aws/clientFactory';
import { localConnection } from '../../../src/aws/connection';
import { SdkLambdaGateway } from '../../../src/aws/lambdaGateway';
import type { LambdaGateway } from '../../../src/aws/types';
import { zipToBuffer } from '../../../src/layer/zip';
import { ExplorerModel } from '../../../src/model/explorerModel';
import { concurrencyLimiter } from '../../../src/util/pool';
import { startMoto, type Moto } from '../../helpers/moto';

const FUNCTIONS = 60;
let moto: Moto;
let factory: AwsClientFactory;
let gateway: SdkLambdaGateway;
const calls: Record<string, number> = {};
let counted: LambdaGateway;
const arns: Record<string, string> = {};
const name = (i: number) => `fn-${String(i).padStart(2, '0')}`;

/**
 * Account layout: numpy v1..v3, requests v1..v2. Function i uses, by i % 4:
 * 0 → [numpy:3], 1 → [numpy:1, requests:2], 2 → [requests:1], 3 → none.
 */
function layersFor(i: number): string[] {
  return [[arns['numpy:3']], [arns['numpy:1'], arns['requests:2']], [arns['requests:1']], []][i % 4];
}

before(async () => {
  moto = await startMoto();
  factory = new AwsClientFactory(localConnection(moto.url));
  gateway = new SdkLambdaGateway(factory.lambda, 'us-east-1', moto.url);
  // Count calls per operation to prove the load makes no per-function or per-version calls.
  counted = new Proxy(gateway, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        return value.apply(target, args);
      };
    },
  });

  const started = Date.now();
  const role = (
    await factory.iam.send(new CreateRoleCommand({ RoleName: 'explorer-test', AssumeRolePolicyDocument: '{}' }))
  ).Role!.Arn!;
  const zip = await zipToBuffer([
    { name: 'handler.py', data: Buffer.from('def handler(event, context):\n    return 1\n') },
  ]);
  for (const [layer, count] of [
    ['numpy', 3],
    ['requests', 2],
  ] as const) {
    for (let v = 1; v <= count; v++) {
      const published = await gateway.publishLayerVersion({
        layerName: layer,
        zipFile: zip,
        compatibleRuntimes: ['python3.12'],
      });
      arns[`${layer}:${v}`] = published.LayerVersionArn!;
    }
  }
  const limit = concurrencyLimiter(8);
  await Promise.all(
    Array.from({ length: FUNCTIONS }, (_, i) =>
      limit(() =>
        gateway.createFunction({
          name: name(i),
          runtime: 'python3.12',
          handler: 'handler.handler',
          role,
          zip,
          layers: layersFor(i),
        }),
      ),
    ),
  );
  // Seeding measured: ~0.5 s here (moto CreateFunction is fast without Docker).
  process.stderr.write(`seeded ${FUNCTIONS} functions in ${Date.now() - started} ms\n`);
});

after(async () => {
  factory?.dispose();
  await moto?.close();
});

test('builds the explorer tree from moto through the SDK gateway', async () => {
  const model = new ExplorerModel(counted);
  await model.refresh();
  assert.deepEqual(model.state, { status: 'ready' });
  assert.deepEqual(calls, { listFunctionPages: 1, listLayers: 1, listLayerVersions: 2 });

  assert.equal(model.functions.length, FUNCTIONS);
  assert.deepEqual(
    model.functions.slice(0, 3).map((f) => f.name),
    [name(0), name(1), name(2)],
  );
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['numpy', 'requests'],
  );

  const numpy = model.getLayer('numpy')!;
  assert.deepEqual(
    numpy.versions.map((v) => v.version),
    [3, 2, 1],
  );
  assert.deepEqual(numpy.versions[0].runtimes, ['python3.12']);
  const users = (mod: number) =>
    Array.from({ length: FUNCTIONS }, (_, i) => i)
      .filter((i) => i % 4 === mod)
      .map(name);
  assert.deepEqual(
    numpy.versions.map((v) => v.usedBy),
    [users(0), [], users(1)],
  );
  assert.deepEqual(
    model.getLayer('requests')!.versions.map((v) => v.usedBy),
    [users(1), users(2)],
  );
  assert.ok(numpy.versions[0].codeSize! > 0, 'size of a used version comes from the function configurations');

  const f1 = model.getFunction(name(1))!;
  assert.deepEqual(
    f1.layers.map((l) => [l.layerName, l.version, l.newerVersion, l.external]),
    [
      ['numpy', 1, 3, false],
      ['requests', 2, undefined, false],
    ],
  );
  assert.equal(model.getFunction(name(2))!.layers[0].newerVersion, 2);
  assert.equal(model.getFunction(name(0))!.layers[0].newerVersion, undefined);
  assert.deepEqual(model.getFunction(name(3))!.layers, []);
  assert.equal(f1.runtime, 'python3.12');
  assert.equal(f1.architecture, 'x86_64');
  assert.equal(f1.memory, 128);

  // After an attach: one GetFunctionConfiguration updates the function and the used-by lists.
  await gateway.updateFunctionLayers(name(3), [arns['numpy:2']]);
  await model.refreshFunction(name(3));
  assert.deepEqual(model.getLayer('numpy')!.versions[1].usedBy, [name(3)]);
  assert.equal(model.getFunction(name(3))!.layers[0].newerVersion, 3);

  // After a publish: one ListLayerVersions moves every newer-version mark.
  await gateway.publishLayerVersion({
    layerName: 'numpy',
    zipFile: Buffer.from(await zipToBuffer([{ name: 'x.py', data: Buffer.from('') }])),
  });
  await model.refreshLayer('numpy');
  assert.equal(model.getFunction(name(0))!.layers[0].newerVersion, 4);
  assert.deepEqual(calls, { listFunctionPages: 1, listLayers: 1, listLayerVersions: 3, getFunctionConfiguration: 1 });
  model.dispose();
});
