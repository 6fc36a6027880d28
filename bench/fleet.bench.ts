import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateFunctionConfigurationCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { AwsClientFactory } from '../src/aws/clientFactory';
import { localConnection } from '../src/aws/connection';
import { SdkLambdaGateway } from '../src/aws/lambdaGateway';
import { loadInventory } from '../src/fleet/inventory';
import { planRollout, runRollout } from '../src/fleet/rollout';
import { openFleet, scopePairs, type Fleet } from '../src/fleet/scope';
import { zipToBuffer } from '../src/layer/zip';
import { startSandbox } from '../src/sandbox/server';
import { concurrencyLimiter } from '../src/util/pool';
import { rawLoad, seed } from './explorer.bench';
import { median, timed } from './lib';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const LOAD = { functions: 2000, layers: 200, versions: 5 };
const ROLLOUT_FUNCTIONS = 500;
/** Calls in flight per region, for ours and the baseline alike. */
const CONCURRENCY = 6;
const RUNS = 3;

/**
 * `fleet.load`: the inventory of 3 regions × (2,000 functions, 200 layers × 5 versions) against the bare
 * paginated SDK calls for the same data, per region with the same concurrency, all regions at once.
 * `rollout`: moving 500 functions to a new layer version (plan + canary + the rest, each a guarded
 * read-modify-write and a waiter) against one bare UpdateFunctionConfiguration + waiter per function at
 * the same concurrency. Medians of RUNS alternating runs after a warm-up, on the local endpoint.
 */
export default async function bench(): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'll-bench-fleet-'));
  const sandbox = await startSandbox({ dataDir, updateDelayMs: 0 });
  const { credentials } = sandbox;
  const fleet = openFleet(scopePairs(REGIONS), ({ region }) => localConnection(sandbox.url, region), {
    perTarget: CONCURRENCY,
    factory: { credentials },
  });
  // The baselines' own clients, made the same way (one factory per region).
  const bare = REGIONS.map((region) => new AwsClientFactory(localConnection(sandbox.url, region), { credentials }));
  try {
    return [await measureLoad(fleet, bare), await measureRollout(fleet, bare[0])];
  } finally {
    bare.forEach((f) => f.dispose());
    fleet.dispose();
    await sandbox.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function measureLoad(fleet: Fleet, bare: AwsClientFactory[]): Promise<string> {
  const seeded = await timed(() =>
    Promise.all(fleet.targets.map((t) => seed(t.session.gateway as SdkLambdaGateway, LOAD))),
  );
  const ours = async () => {
    const inventories = await loadInventory(fleet);
    for (const i of inventories) {
      if (i.status !== 'ok' || i.functionCount !== LOAD.functions || i.layers.size !== LOAD.layers)
        throw new Error('the inventory is missing data');
    }
  };
  const raw = () => Promise.all(bare.map((f) => rawLoad(f.lambda, CONCURRENCY))).then(() => {});
  const { o, r } = await alternate(ours, raw);
  return (
    `fleet.load ours/raw time=${(o / r).toFixed(2)} ours_ms=${o.toFixed(0)} raw_ms=${r.toFixed(0)} runs=${RUNS} regions=${REGIONS.length} ` +
    `functions=${LOAD.functions} layers=${LOAD.layers}x${LOAD.versions} seed_ms=${seeded.ms.toFixed(0)}`
  );
}

async function measureRollout(fleet: Fleet, bareFactory: AwsClientFactory): Promise<string> {
  const target = fleet.targets[0];
  const gateway = target.session.gateway as SdkLambdaGateway;
  const layerName = 'bench-rollout';
  const zip = await zipToBuffer([{ name: 'python/rollout_pkg/__init__.py', data: Buffer.from('V = 1\n') }]);
  const publish = async () => (await gateway.publishLayerVersion({ layerName, zipFile: zip })).LayerVersionArn!;
  const first = await publish();
  const code = await zipToBuffer([
    { name: 'handler.py', data: Buffer.from('def handler(event, context):\n    return 1\n') },
  ]);
  const names = Array.from({ length: ROLLOUT_FUNCTIONS }, (_, i) => `bench-roll-${String(i).padStart(3, '0')}`);
  const limit = concurrencyLimiter(16);
  await Promise.all(
    names.map((name) =>
      limit(() =>
        gateway.createFunction({
          name,
          runtime: 'python3.12',
          handler: 'handler.handler',
          role: 'arn:aws:iam::123456789012:role/bench',
          zip: code,
          layers: [first],
        }),
      ),
    ),
  );
  // Both sides move every function to a freshly published version, so each run does the same work.
  const single = openFleet(scopePairs([target.region]), () => target.session.settings, {
    perTarget: CONCURRENCY,
    openSession: () => ({ ...target.session, dispose() {} }),
  });
  const ours = async () => {
    await publish();
    const rows = await runRollout(single, await planRollout(single, layerName), { canary: 1 });
    if (rows.length !== ROLLOUT_FUNCTIONS || rows.some((r) => r.result !== 'updated'))
      throw new Error('the rollout did not move every function');
  };
  const client = bareFactory.lambda;
  const bare = async () => {
    const to = await publish();
    const bound = concurrencyLimiter(CONCURRENCY);
    await Promise.all(
      names.map((FunctionName) =>
        bound(async () => {
          await client.send(new UpdateFunctionConfigurationCommand({ FunctionName, Layers: [to] }));
          await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 300, minDelay: 1, maxDelay: 5 }, { FunctionName });
        }),
      ),
    );
  };
  const { o, r } = await alternate(ours, bare);
  return `rollout ours/bare time=${(o / r).toFixed(2)} ours_ms=${o.toFixed(0)} bare_ms=${r.toFixed(0)} runs=${RUNS} functions=${ROLLOUT_FUNCTIONS} concurrency=${CONCURRENCY}`;
}

async function alternate(ours: () => Promise<void>, other: () => Promise<void>): Promise<{ o: number; r: number }> {
  await other();
  await ours();
  const oursMs: number[] = [];
  const otherMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    otherMs.push((await timed(other)).ms);
    oursMs.push((await timed(ours)).ms);
  }
  return { o: median(oursMs), r: median(otherMs) };
}
