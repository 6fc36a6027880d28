/**
 * Warm invoke on the local endpoint: a handler returning `{}`, invoked over signed HTTP (the request the SDK
 * sends) once its environment is warm, against a bare signed HTTP round-trip to the same server
 * (GetFunctionConcurrency: signature check, routing, a store read, a tiny JSON answer). Alternating, same
 * connection settings, after a warm-up. Prints `invoke.warm ours/bare time=… ours_ms=… bare_ms=…`; the goal is
 * ours_ms ≤ 20.
 */
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../src/sandbox/server';
import { TEST_CREDENTIALS, TEST_ROLE, createActiveFunction, handlerZip, lambdaClient } from '../test/helpers/sandbox';
import { signedHeaders, type RawRequest } from '../test/helpers/sigv4';
import { median, ratio, timed } from './lib';

const RUNS = 60;
const WARMUP = 10;

export default async function bench(): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lambda-layers-invoke-bench-'));
  const sandbox = await startSandbox({ dataDir, updateDelayMs: 5, secretAccessKey: TEST_CREDENTIALS.secretAccessKey });
  const client = lambdaClient(sandbox);
  try {
    await createActiveFunction(client, {
      FunctionName: 'empty',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handlerZip('def handler(event, context):\n    return {}\n') },
    });
    const invoke: RawRequest = {
      method: 'POST',
      path: '/2015-03-31/functions/empty/invocations',
      body: '{}',
      headers: { 'content-length': '2' },
    };
    const bare: RawRequest = { method: 'GET', path: '/2019-09-30/functions/empty/concurrency' };
    const send = async (r: RawRequest) => {
      const body = await roundTrip(sandbox.url, r);
      if (r === invoke && body !== '{}') throw new Error(`the invoke answered ${body}`);
    };
    for (let i = 0; i < WARMUP; i++) await Promise.all([send(invoke)]).then(() => send(bare));
    const ours: number[] = [];
    const bareRuns: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push((await timed(() => send(invoke))).ms);
      bareRuns.push((await timed(() => send(bare))).ms);
    }
    const oursMs = median(ours);
    const bareMs = median(bareRuns);
    return [
      `invoke.warm ours/bare time=${ratio(oursMs, bareMs)} ours_ms=${oursMs.toFixed(2)} bare_ms=${bareMs.toFixed(2)} goal_ms=20 runs=${RUNS}`,
    ];
  } finally {
    client.destroy();
    await sandbox.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** One signed request on a fresh connection (as a CLI call makes it); resolves with the body, rejects on non-2xx. */
async function roundTrip(endpoint: string, r: RawRequest): Promise<string> {
  const headers = await signedHeaders(endpoint, r, TEST_CREDENTIALS);
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}${r.path}`, { method: r.method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        (res.statusCode ?? 500) < 300
          ? resolve(body)
          : reject(new Error(`${r.method} ${r.path}: ${res.statusCode} ${body}`)),
      );
    });
    req.setNoDelay(true);
    req.on('error', reject);
    req.end(typeof r.body === 'string' ? r.body : undefined);
  });
}
