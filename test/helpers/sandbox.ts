// Test helpers around the local Lambda sandbox, for any area's integration tests.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import {
  AddLayerVersionPermissionCommand,
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  PublishLayerVersionCommand,
  waitUntilFunctionActiveV2,
  type CreateFunctionCommandInput,
  type PublishLayerVersionCommandInput,
  type LambdaServiceException,
} from '@aws-sdk/client-lambda';
import { localConnection } from '../../src/aws/connection';
import { openSession, type OpsSession } from '../../src/ops/session';
import type { SandboxCredentials } from '../../src/sandbox/auth/credentials';
import { startSandbox, type SandboxOptions } from '../../src/sandbox/server';
import type { Log } from '../../src/util/log';

/**
 * What test sandboxes (withSandbox, the VS Code runner's) are started with, so clients made from just a URL
 * sign correctly. A sandbox started another way has its own: pass it (or `{ url, credentials }`) instead.
 */
export const TEST_CREDENTIALS: SandboxCredentials = {
  accessKeyId: 'test',
  secretAccessKey: 'lambda-layers-test-secret',
};

/** A sandbox URL (signed with TEST_CREDENTIALS) or something that knows its own credentials (a Sandbox). */
export type SandboxEndpoint = string | { url: string; credentials: SandboxCredentials };

const endpointOf = (e: SandboxEndpoint) => (typeof e === 'string' ? { url: e, credentials: TEST_CREDENTIALS } : e);

export interface TestSandbox {
  url: string;
  port: number;
  dataDir: string;
  /** TEST_CREDENTIALS: what clients of this sandbox sign with. */
  credentials: SandboxCredentials;
  /** An SDK client pointed at the sandbox (region us-east-1, TEST_CREDENTIALS). */
  client(region?: string): LambdaClient;
  close(): Promise<void>;
}

/**
 * Starts a sandbox on a fresh temp data dir. `close()` stops it and deletes the dir.
 * Use a short updateDelayMs in tests that wait for Active/Successful.
 */
export async function withSandbox(
  options: { updateDelayMs?: number; dataDir?: string; log?: Log; environments?: SandboxOptions['environments'] } = {},
): Promise<TestSandbox> {
  const owned = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await fs.mkdtemp(join(tmpdir(), 'sandbox-test-')));
  const sandbox = await startSandbox({
    dataDir,
    updateDelayMs: options.updateDelayMs ?? 50,
    secretAccessKey: TEST_CREDENTIALS.secretAccessKey,
    log: options.log,
    environments: options.environments,
  });
  const clients: LambdaClient[] = [];
  return {
    url: sandbox.url,
    port: sandbox.port,
    dataDir,
    credentials: TEST_CREDENTIALS,
    client(region = 'us-east-1') {
      const c = lambdaClient(sandbox, region);
      clients.push(c);
      return c;
    },
    async close() {
      clients.forEach((c) => c.destroy());
      await sandbox.close();
      if (owned) await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A sandbox whose Pending and InProgress states never settle during a test, for 409 checks that must
 * not race the state delay on a busy machine. `activeFunctions` are created (python3.12, handler
 * `lambda_function.handler`) and already Active; create more to get Pending ones, update one to get InProgress.
 */
export async function withFrozenSandbox(activeFunctions: string[] = []): Promise<TestSandbox> {
  const dataDir = await fs.mkdtemp(join(tmpdir(), 'sandbox-frozen-'));
  const quick = await withSandbox({ dataDir, updateDelayMs: 1 });
  const client = quick.client();
  const code = handlerZip('def handler(event, context):\n    return event\n');
  for (const name of activeFunctions) {
    await client.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'python3.12',
        Role: TEST_ROLE,
        Handler: 'lambda_function.handler',
        Code: { ZipFile: code },
      }),
    );
    while ((await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).State !== 'Active')
      await new Promise((r) => setTimeout(r, 5));
  }
  await quick.close();
  const frozen = await withSandbox({ dataDir, updateDelayMs: 600_000 });
  return {
    ...frozen,
    async close() {
      await frozen.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * An SDK client for the sandbox, signing with its secret (TEST_CREDENTIALS for a bare URL); a 12-digit
 * `accessKeyId` acts as that account (for other accounts' layers).
 */
export function lambdaClient(endpoint: SandboxEndpoint, region = 'us-east-1', accessKeyId?: string): LambdaClient {
  const { url, credentials } = endpointOf(endpoint);
  return new LambdaClient({
    endpoint: url,
    region,
    credentials: { ...credentials, ...(accessKeyId ? { accessKeyId } : {}) },
  });
}

/** The engines' session (gateway, S3) on the sandbox, signing with its secret. */
export function sandboxSession(sandbox: { url: string; credentials: SandboxCredentials }): OpsSession {
  return openSession(localConnection(sandbox.url), { credentials: sandbox.credentials });
}

/**
 * Publishes a layer version as another `account` and grants it to everyone (statement id `public`), the way
 * public layers (AWS SDK for pandas, Powertools, Klayers) are shared on AWS. Returns the version's ARN.
 */
export async function publishPublicLayer(
  endpoint: SandboxEndpoint,
  account: string,
  input: PublishLayerVersionCommandInput,
  region = 'us-east-1',
): Promise<string> {
  const lambda = lambdaClient(endpoint, region, account);
  try {
    const v = await lambda.send(new PublishLayerVersionCommand(input));
    await lambda.send(
      new AddLayerVersionPermissionCommand({
        LayerName: input.LayerName,
        VersionNumber: v.Version,
        StatementId: 'public',
        Action: 'lambda:GetLayerVersion',
        Principal: '*',
      }),
    );
    return v.LayerVersionArn!;
  } finally {
    lambda.destroy();
  }
}

/** Asserts that `p` fails with the Lambda error `name`, HTTP `status` and, when given, that message (exact or matching). */
export async function rejectsWith(
  p: Promise<unknown>,
  name: string,
  status: number,
  message?: string | RegExp,
): Promise<void> {
  await assert.rejects(p, (e: LambdaServiceException) => {
    assert.equal(e.name, name, e.message);
    assert.equal(e.$metadata.httpStatusCode, status);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

/** Creates a function and waits until it is Active (the sandbox's Pending → Active delay). */
export async function createActiveFunction(client: LambdaClient, input: CreateFunctionCommandInput): Promise<void> {
  await client.send(new CreateFunctionCommand(input));
  await waitUntilFunctionActiveV2(
    { client, maxWaitTime: 30, minDelay: 0.2, maxDelay: 1 },
    { FunctionName: input.FunctionName },
  );
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A successful AWS CLI run's JSON output (`{}` when it printed nothing). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function cliJson(r: CliResult): Record<string, any> {
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, any>) : {}; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A failed AWS CLI run, with AWS's error code and (when given) a message fragment. */
export function cliFails(r: CliResult, code: string, message?: string): void {
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, new RegExp(`\\(${code}\\)`));
  if (message) assert.ok(r.stderr.includes(message), r.stderr);
}

/** Runs `aws --endpoint-url URL lambda ...` with the sandbox's credentials; never throws on a non-zero exit. */
export function awsCli(endpoint: SandboxEndpoint, args: string[], cwd?: string): Promise<CliResult> {
  const { url, credentials } = endpointOf(endpoint);
  return new Promise((resolve) => {
    execFile(
      'aws',
      ['--endpoint-url', url, '--region', 'us-east-1', '--output', 'json', 'lambda', ...args],
      {
        cwd,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_PAGER: '',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export interface ZipEntry {
  name: string;
  data?: string | Uint8Array;
  /** Unix permission bits (default 0o644, directories 0o755). */
  mode?: number;
  /** Makes the entry a symlink to this target. */
  symlink?: string;
  dir?: boolean;
}

/**
 * Builds a zip in memory, entry by entry as given — including entries a careful archiver would
 * refuse (`../x`, symlinks), which is what the extraction tests need.
 */
export function makeZip(entries: ZipEntry[], options: { deflate?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.dir && !e.name.endsWith('/') ? `${e.name}/` : e.name);
    const raw = Buffer.from(e.symlink ?? e.data ?? '');
    const deflate = options.deflate === true && raw.length > 0 && !e.symlink;
    const body = deflate ? deflateRawSync(raw) : raw;
    const type = e.symlink ? 0o120000 : e.dir ? 0o040000 : 0o100000;
    const mode = type | (e.mode ?? (e.dir ? 0o755 : e.symlink ? 0o777 : 0o644));
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A layer holding an installable-looking Python package: python/<pkg>/__init__.py plus its dist-info. */
export function pythonPackageLayer(pkg: string, version: string, extra: ZipEntry[] = []): Buffer {
  return makeZip([
    { name: `python/${pkg}/__init__.py`, data: `__version__ = "${version}"\n` },
    {
      name: `python/${pkg}-${version}.dist-info/METADATA`,
      data: `Metadata-Version: 2.1\nName: ${pkg}\nVersion: ${version}\n`,
    },
    ...extra,
  ]);
}

/** Function code: one module with the given source. */
export function handlerZip(source: string, file = 'lambda_function.py'): Buffer {
  return makeZip([{ name: file, data: source }]);
}

export const TEST_ROLE = 'arn:aws:iam::123456789012:role/lambda-role';
