// The fleet inventory shows the aliases routing to the function versions that use each layer version, on the local
// endpoint and on moto_server: the same scenario on both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand,
  LambdaClient,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { localConnection } from '../../../src/aws/connection';
import { layerFleet, loadInventory } from '../../../src/fleet/inventory';
import { openFleet, scopePairs } from '../../../src/fleet/scope';
import type { ClientFactoryOptions } from '../../../src/aws/clientFactory';
import { motoRole, startMoto, type Moto } from '../../helpers/moto';
import {
  TEST_ROLE,
  createActiveFunction,
  handlerZip,
  makeZip,
  withSandbox,
  type TestSandbox,
} from '../../helpers/sandbox';
import { layerVersionArn } from './lines';

let sandbox: TestSandbox;
let moto: Moto;

before(async () => {
  [sandbox, moto] = await Promise.all([withSandbox({ updateDelayMs: 10 }), startMoto()]);
});
after(async () => {
  await Promise.all([sandbox?.close(), moto?.close()]);
});

const REGION = 'eu-west-1';
const LAYER = 'aliased-deps';

/**
 * `api` on v1 then published as version 1 (alias `prod`, with 20 % routed to version 2) and version 2 (alias
 * `beta`), then $LATEST moved to v2: v1 is used by api:1, v2 by api and api:2.
 */
async function scenario(client: LambdaClient, role: string, endpoint: string, factory: ClientFactoryOptions) {
  for (const v of [1, 2])
    await client.send(
      new PublishLayerVersionCommand({
        LayerName: LAYER,
        Content: { ZipFile: makeZip([{ name: 'python/aliased.py', data: `V = ${v}\n` }]) },
      }),
    );
  const arn = (v: number) => layerVersionArn(REGION, LAYER, v);
  await createActiveFunction(client, {
    FunctionName: 'api',
    Runtime: 'python3.12',
    Handler: 'lambda_function.handler',
    Role: role,
    Code: { ZipFile: handlerZip('def handler(e, c):\n    return 1\n') },
    Layers: [arn(1)],
  });
  const settle = () =>
    waitUntilFunctionUpdatedV2({ client, maxWaitTime: 10, minDelay: 0.1, maxDelay: 0.5 }, { FunctionName: 'api' });
  const v1 = await client.send(new PublishVersionCommand({ FunctionName: 'api' }));
  await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api', Description: 'second' }));
  await settle();
  const v2 = await client.send(new PublishVersionCommand({ FunctionName: 'api' }));
  await client.send(
    new CreateAliasCommand({
      FunctionName: 'api',
      Name: 'prod',
      FunctionVersion: v1.Version,
      RoutingConfig: { AdditionalVersionWeights: { [v2.Version!]: 0.2 } },
    }),
  );
  await client.send(new CreateAliasCommand({ FunctionName: 'api', Name: 'beta', FunctionVersion: v2.Version }));
  await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api', Layers: [arn(2)] }));
  await settle();

  const fleet = openFleet(scopePairs([REGION]), ({ region }) => localConnection(endpoint, region), { factory });
  try {
    const [row] = layerFleet(await loadInventory(fleet), LAYER);
    assert.ok(row.status === 'ok', JSON.stringify(row));
    assert.equal(row.account, '123456789012');
    assert.deepEqual(
      row.versions.map((v) => [
        v.version,
        v.functions.sort(),
        v.aliases.map((a) => `${a.alias} → ${a.version}`).sort(),
      ]),
      [
        // v2 keeps version 1's layers (only its description changed): api:2 is on v1 as well.
        [2, ['api'], []],
        [1, ['api:1', 'api:2'], ['api:beta → api:2', 'api:prod → api:1', 'api:prod → api:2']],
      ],
    );
    assert.deepEqual(row.aliasFailures, []);
    assert.equal(row.behind, 0, 'only $LATEST counts as behind, and it is on the newest');
  } finally {
    fleet.dispose();
  }
}

test('the local endpoint: aliases (a weighted one too) show beside the versions they serve', { timeout: 60_000 }, () =>
  scenario(sandbox.client(REGION), TEST_ROLE, sandbox.url, { credentials: sandbox.credentials }),
);

test('moto_server: the same aliases', { timeout: 60_000 }, async () => {
  const client = new LambdaClient({
    region: REGION,
    endpoint: moto.url,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  try {
    await scenario(client, await motoRole(moto.url, 'alias-role'), moto.url, {});
  } finally {
    client.destroy();
  }
});
