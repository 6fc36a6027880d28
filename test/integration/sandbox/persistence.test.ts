// The standalone endpoint killed with SIGKILL in the middle of work, then restarted on the same data dir.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, watch } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateFunctionCommand,
  GetLayerVersionCommand,
  InvokeCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import type { SandboxCredentials } from '../../../src/sandbox/auth/credentials';
import {
  TEST_CREDENTIALS,
  TEST_ROLE,
  handlerZip,
  lambdaClient,
  makeZip,
  pythonPackageLayer,
} from '../../helpers/sandbox';
import { signedHeaders } from '../../helpers/sigv4';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');

interface Endpoint {
  url: string;
  credentials: SandboxCredentials;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * `node --import tsx src/sandbox/main.ts`: the same entry esbuild bundles to dist/sandbox.js. With a secret it
 * prints only its URL; without, the URL and then the generated keys as a line to paste into a shell.
 */
async function startEndpoint(dataDir: string, secret?: string): Promise<Endpoint> {
  const args = ['--import', 'tsx', 'src/sandbox/main.ts', '--port', '0', '--data', dataDir, '--update-delay-ms', '20'];
  const child = spawn(process.execPath, [...args, ...(secret ? ['--secret-access-key', secret] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const wanted = secret ? 1 : 2;
  const lines = await new Promise<string[]>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const complete = out.split('\n').slice(0, -1);
      if (complete.length >= wanted) resolve(complete);
    });
    void exited.then((code) => reject(new Error(`endpoint exited (${code}) before printing its URL: ${stderr}`)));
  });
  assert.match(lines[0], /^http:\/\/127\.0\.0\.1:\d+$/);
  if (secret) return { url: lines[0], credentials: { ...TEST_CREDENTIALS, secretAccessKey: secret }, child, exited };
  const printed = /^export AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)$/.exec(lines[1]);
  assert.ok(printed, `the second line is the keys to export: ${lines[1]}`);
  return { url: lines[0], credentials: { accessKeyId: printed[1], secretAccessKey: printed[2] }, child, exited };
}

/**
 * A PublishLayerVersion over raw HTTP, so the test controls the upload: with `halfThenStop` only
 * the first half of the body is sent (the caller kills the endpoint meanwhile).
 */
async function rawPublish(
  ep: Endpoint,
  layer: string,
  zip: Buffer,
  halfThenStop: boolean,
): Promise<{ status: number; body: string } | undefined> {
  const body = Buffer.from(JSON.stringify({ Content: { ZipFile: zip.toString('base64') } }));
  const path = `/2018-10-31/layers/${layer}/versions`;
  const headers = await signedHeaders(
    ep.url,
    {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
      body,
    },
    ep.credentials,
  );
  return new Promise((resolve) => {
    const req = request(`${ep.url}${path}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    if (halfThenStop) req.write(body.subarray(0, body.length >> 1));
    else req.end(body);
  });
}

/** Resolves when a file whose name matches appears in `dir` (inotify), so a kill lands at that exact step. */
function whenFileAppears(dir: string, pattern: RegExp): { promise: Promise<void>; stop(): void } {
  const watcher = watch(dir);
  const promise = new Promise<void>((resolve) =>
    watcher.on('change', (_e, name) => pattern.test(String(name)) && resolve()),
  );
  return { promise, stop: () => watcher.close() };
}

describe('standalone endpoint: persistence and crash safety', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await fs.mkdtemp(join(tmpdir(), 'sandbox-persist-'));
  });
  after(() => fs.rm(dataDir, { recursive: true, force: true }));

  it('prints keys that work (and only they), and stops cleanly on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const ep = await startEndpoint(join(dataDir, `clean-${signal}`));
      const client = lambdaClient(ep);
      const wrong = lambdaClient({ url: ep.url, credentials: TEST_CREDENTIALS });
      try {
        assert.deepEqual((await client.send(new ListLayersCommand({}))).Layers, []);
        await assert.rejects(
          wrong.send(new ListLayersCommand({})),
          (e: Error) => e.name === 'InvalidSignatureException',
        );
      } finally {
        client.destroy();
        wrong.destroy();
      }
      ep.child.kill(signal);
      assert.equal(await ep.exited, 0);
    }
  });

  it('keeps every acknowledged layer and function across SIGKILLs mid-publish, and shows nothing half-written', async () => {
    const data = join(dataDir, 'crashy');
    /** LayerVersionArn → CodeSha256 of every publish the endpoint answered with 201. */
    const acknowledged = new Map<string, string>();

    // Round 1: acknowledged work, including a function that uses a layer.
    const secret = TEST_CREDENTIALS.secretAccessKey;
    let ep = await startEndpoint(data, secret);
    let client = lambdaClient(ep);
    const pkg = await client.send(
      new PublishLayerVersionCommand({ LayerName: 'pkg', Content: { ZipFile: pythonPackageLayer('mypkg', '1.2.3') } }),
    );
    acknowledged.set(pkg.LayerVersionArn!, pkg.Content!.CodeSha256!);
    await client.send(
      new CreateFunctionCommand({
        FunctionName: 'survivor',
        Runtime: 'python3.12',
        Role: TEST_ROLE,
        Handler: 'lambda_function.handler',
        Code: { ZipFile: handlerZip('import mypkg\ndef handler(e, c):\n    return mypkg.__version__\n') },
        Layers: [pkg.LayerVersionArn!],
      }),
    );
    await waitUntilFunctionActiveV2({ client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 } as never, {
      FunctionName: 'survivor',
    });

    const seed = await client.send(
      new PublishLayerVersionCommand({
        LayerName: 'big',
        Content: { ZipFile: makeZip([{ name: 'seed', data: 'seed' }]) },
      }),
    );
    acknowledged.set(seed.LayerVersionArn!, seed.Content!.CodeSha256!);

    // Kill a large publish at each step: mid-upload, while its blob is written, right after the blob is renamed
    // into place, while its version record is written; with small publishes in flight around it.
    const steps: { name: string; dir?: string; pattern?: RegExp }[] = [
      { name: 'mid-upload' },
      { name: 'blob temp file', dir: 'blobs', pattern: /\.tmp$/ },
      { name: 'blob in place', dir: 'blobs', pattern: /^[0-9a-f]{64}\.zip$/ },
      { name: 'record temp file', dir: 'regions/us-east-1/layers/big', pattern: /\.tmp$/ },
    ];
    for (const step of steps) {
      const trigger = step.dir ? whenFileAppears(join(data, step.dir), step.pattern!) : undefined;
      const killed = (trigger?.promise ?? new Promise((r) => setTimeout(r, 50))).then(() => ep.child.kill('SIGKILL'));
      const inflight = Array.from({ length: 4 }, (_, i) =>
        client
          .send(
            new PublishLayerVersionCommand({
              LayerName: `small-${i % 2}`,
              Content: { ZipFile: makeZip([{ name: `f${i}`, data: randomBytes(64) }]) },
            }),
          )
          .then(
            (v) => acknowledged.set(v.LayerVersionArn!, v.Content!.CodeSha256!),
            () => undefined,
          ),
      );
      const bigZip = makeZip([{ name: 'python/blob.bin', data: randomBytes(16 * 1024 * 1024) }]);
      const answer = await rawPublish(ep, 'big', bigZip, !step.dir);
      if (answer?.status === 201) {
        const v = JSON.parse(answer.body) as { LayerVersionArn: string; Content: { CodeSha256: string } };
        acknowledged.set(v.LayerVersionArn, v.Content.CodeSha256);
      }
      await Promise.race([killed, ep.exited]);
      await Promise.all(inflight);
      await ep.exited;
      trigger?.stop();
      client.destroy();
      ep = await startEndpoint(data, secret);
      client = lambdaClient(ep);
    }

    // Every acknowledged version is there with its exact bytes.
    for (const [arn, codeSha] of acknowledged) {
      const [, , , , , , name, version] = arn.split(':');
      const v = await client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: Number(version) }));
      assert.equal(v.Content?.CodeSha256, codeSha, arn);
    }
    // Everything visible is complete: each listed version's content downloads and matches its CodeSha256.
    const maxSeen = new Map<string, number>();
    for (const layer of (await client.send(new ListLayersCommand({}))).Layers ?? []) {
      for (const item of (await client.send(new ListLayerVersionsCommand({ LayerName: layer.LayerName! })))
        .LayerVersions ?? []) {
        const v = await client.send(
          new GetLayerVersionCommand({ LayerName: layer.LayerName!, VersionNumber: item.Version! }),
        );
        const bytes = new Uint8Array(await (await fetch(v.Content!.Location!)).arrayBuffer());
        assert.equal(sha(bytes), v.Content?.CodeSha256, `${layer.LayerName}:${item.Version}`);
        maxSeen.set(layer.LayerName!, Math.max(maxSeen.get(layer.LayerName!) ?? 0, item.Version!));
      }
    }
    // No interrupted-write leftovers remain next to the blobs.
    for (const f of await fs.readdir(join(data, 'blobs'))) assert.match(f, /^[0-9a-f]{64}\.zip$/);
    // Numbers are not reused: the next version is above anything that was ever visible.
    const next = await client.send(
      new PublishLayerVersionCommand({
        LayerName: 'small-0',
        Content: { ZipFile: makeZip([{ name: 'n', data: 'n' }]) },
      }),
    );
    assert.ok(next.Version! > (maxSeen.get('small-0') ?? 0));
    // The function still runs with its layer.
    const r = await client.send(new InvokeCommand({ FunctionName: 'survivor', Payload: Buffer.from('{}') }));
    assert.equal(Buffer.from(r.Payload!).toString(), '"1.2.3"');

    client.destroy();
    ep.child.kill('SIGTERM');
    assert.equal(await ep.exited, 0);
  });
});
