import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  paginateListFunctions,
  paginateListLayerVersions,
  paginateListLayers,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { AwsClientFactory } from '../src/aws/clientFactory';
import { localConnection } from '../src/aws/connection';
import { SdkLambdaGateway } from '../src/aws/lambdaGateway';
import { zipToBuffer } from '../src/layer/zip';
import { ExplorerModel } from '../src/model/explorerModel';
import { concurrencyLimiter } from '../src/util/pool';
import type { SandboxCredentials } from '../src/sandbox/auth/credentials';
import { startSandbox } from '../src/sandbox/server';

const FUNCTIONS = 2000;
const LAYERS = 200;
const VERSIONS = 3;
const RUNS = 7;
/** Same as the model's default, so both sides issue the same calls with the same parallelism. */
const CONCURRENCY = 6;

/**
 * Time until the explorer model is ready, against the bare paginated SDK calls that fetch the same
 * data (ListFunctions sweep with FunctionVersion=ALL alongside ListLayers + ListLayerVersions per layer, same
 * concurrency),
 * on our local sandbox seeded with 2,000 functions and 200 layers × 3 versions. Medians of RUNS
 * alternating runs after one warm-up each.
 */
export default async function bench(): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'll-bench-explorer-'));
  const sandbox = await startSandbox({ dataDir, updateDelayMs: 0 });
  try {
    return await measureExplorerLoad(sandbox.url, sandbox.credentials);
  } finally {
    await sandbox.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Seeds `endpoint` (an empty Lambda-compatible endpoint) and measures; exported to run against other endpoints.
 * `credentials`: the endpoint's keys (our sandbox's); absent, the local connection's defaults (moto takes any).
 */
export async function measureExplorerLoad(endpoint: string, credentials?: SandboxCredentials): Promise<string[]> {
  const factory = new AwsClientFactory(localConnection(endpoint), credentials ? { credentials } : {});
  try {
    const gateway = new SdkLambdaGateway(factory.lambda, 'us-east-1', endpoint);
    const seedMs = await seed(gateway);

    const ours = async () => {
      const model = new ExplorerModel(gateway, { concurrency: CONCURRENCY });
      await model.refresh();
      if (model.state.status !== 'ready') throw new Error(`model ended in state ${model.state.status}`);
      if (model.functions.length !== FUNCTIONS || model.layers.length !== LAYERS)
        throw new Error('model is missing data');
      model.dispose();
    };
    const raw = () => rawLoad(factory.lambda);

    await raw();
    await ours();
    const oursMs: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      rawMs.push(await timed(raw));
      oursMs.push(await timed(ours));
    }
    const o = median(oursMs);
    const r = median(rawMs);
    return [
      `explorer.load ours/raw time=${(o / r).toFixed(2)} ours_ms=${o.toFixed(0)} raw_ms=${r.toFixed(0)} runs=${RUNS} ` +
        `functions=${FUNCTIONS} layers=${LAYERS}x${VERSIONS} seed_ms=${seedMs.toFixed(0)}`,
    ];
  } finally {
    factory.dispose();
  }
}

/** The same requests the model makes, with nothing done to the answers but keeping them (the fleet bench's baseline too). */
export async function rawLoad(client: LambdaClient, concurrency = CONCURRENCY): Promise<void> {
  const limit = concurrencyLimiter(concurrency);
  const kept: unknown[] = [];
  const functions = (async () => {
    // FunctionVersion=ALL, as the model and the fleet inventory sweep (published versions use layers too).
    for await (const page of paginateListFunctions({ client, pageSize: 50 }, { FunctionVersion: 'ALL' }))
      kept.push(page.Functions);
  })();
  const layers = (async () => {
    const fetches: Promise<void>[] = [];
    for await (const page of paginateListLayers({ client, pageSize: 50 }, {})) {
      for (const layer of page.Layers ?? []) {
        fetches.push(
          limit(async () => {
            for await (const v of paginateListLayerVersions({ client, pageSize: 50 }, { LayerName: layer.LayerName }))
              kept.push(v.LayerVersions);
          }),
        );
      }
    }
    await Promise.all(fetches);
  })();
  await Promise.all([functions, layers]);
}

/** Seeds functions using 0–3 layers each, some on older versions; exported for the fleet bench's regions. */
export async function seed(
  gateway: SdkLambdaGateway,
  counts = { functions: FUNCTIONS, layers: LAYERS, versions: VERSIONS },
): Promise<number> {
  const { functions: FUNCTIONS, layers: LAYERS, versions: VERSIONS } = counts;
  const started = performance.now();
  const limit = concurrencyLimiter(16);
  const zip = await zipToBuffer([{ name: 'python/bench_pkg/__init__.py', data: Buffer.from('VALUE = 1\n') }]);
  const layerName = (i: number) => `bench-layer-${String(i).padStart(3, '0')}`;
  const versionArns: string[][] = [];
  await Promise.all(
    Array.from({ length: LAYERS }, (_, i) =>
      limit(async () => {
        const arns: string[] = [];
        for (let v = 0; v < VERSIONS; v++) {
          const published = await gateway.publishLayerVersion({
            layerName: layerName(i),
            zipFile: zip,
            compatibleRuntimes: ['python3.12'],
          });
          arns.push(published.LayerVersionArn!);
        }
        versionArns[i] = arns;
      }),
    ),
  );
  const code = await zipToBuffer([
    { name: 'handler.py', data: Buffer.from('def handler(event, context):\n    return 1\n') },
  ]);
  await Promise.all(
    Array.from({ length: FUNCTIONS }, (_, i) =>
      limit(() =>
        gateway.createFunction({
          name: `bench-fn-${String(i).padStart(4, '0')}`,
          runtime: 'python3.12',
          handler: 'handler.handler',
          role: 'arn:aws:iam::123456789012:role/bench',
          zip: code,
          // 0–3 layers each, some on older versions, so used-by and newer-version marks have work to do.
          layers: Array.from({ length: i % 4 }, (_, k) => versionArns[(i + k * 67) % LAYERS][(i + k) % VERSIONS]),
        }),
      ),
    ),
  );
  return performance.now() - started;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
