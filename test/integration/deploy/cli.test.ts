import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { runCli } from '../../helpers/cli';
import { withSandbox, type TestSandbox, sandboxSession } from '../../helpers/sandbox';
import type { OpsSession } from '../../../src/ops/session';
import { functionFolder, writeHandler } from './fixtures';

let sandbox: TestSandbox;
let session: OpsSession;
let dir: string;

before(async () => {
  sandbox = await withSandbox({ updateDelayMs: 100 });
  session = sandboxSession(sandbox);
  dir = await functionFolder('from-cli');
});
after(async () => {
  session?.dispose();
  await sandbox?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test('create-function and deploy from the command line, sharing the engine', { timeout: 120_000 }, async () => {
  const endpoint = ['--endpoint', sandbox.url];
  const created = await runCli([
    'create-function',
    'cli-fn',
    '--from',
    dir,
    '--runtime',
    'python3.12',
    '--handler',
    'lambda_function.lambda_handler',
    '--arch',
    'arm64',
    ...endpoint,
  ]);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout.trim(), 'arn:aws:lambda:us-east-1:123456789012:function:cli-fn');
  const config = await session.gateway.getFunctionConfiguration('cli-fn');
  assert.equal(config.State, 'Active');
  assert.deepEqual(config.Architectures, ['arm64']);

  const same = await runCli(['deploy', 'cli-fn', '--from', dir, ...endpoint]);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stderr, /unchanged, nothing uploaded/);
  assert.equal(same.stdout.trim(), config.CodeSha256);

  await writeHandler(dir, 'changed');
  const deployed = await runCli(['deploy', 'cli-fn', '--from', dir, ...endpoint]);
  assert.equal(deployed.code, 0, deployed.stderr);
  assert.match(deployed.stderr, /Deployed deploy-fn-\w+ to cli-fn \(\d+ B zipped\)/);
  assert.equal((await session.gateway.getFunctionConfiguration('cli-fn')).CodeSha256, deployed.stdout.trim());
  const out = await session.gateway.invoke('cli-fn', new TextEncoder().encode('{}'));
  assert.equal((JSON.parse(new TextDecoder().decode(out.payload)) as { value: string }).value, 'changed');

  const bad = await runCli([
    'create-function',
    'cli-fn2',
    '--from',
    dir,
    '--runtime',
    'java21',
    '--handler',
    'lambda_function.lambda_handler',
    ...endpoint,
  ]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Unsupported runtime "java21"/);
  assert.equal((await runCli(['deploy', 'cli-fn', ...endpoint])).code, 2, 'missing --from is bad usage');
  assert.match((await runCli(['create-function', '--help'])).stdout, /usage: create-function NAME --from DIR/);
});
