// Create Function and Deploy Code against our local endpoint, which runs the handlers and checks RevisionId.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { withSandbox, TEST_ROLE, type TestSandbox, sandboxSession } from '../../helpers/sandbox';
import type { OpsSession } from '../../../src/ops/session';
import { createFunctionFromFolder } from '../../../src/deploy/createFunction';
import { CodeChangedError, deployCode } from '../../../src/deploy/deployCode';
import { buildCodeZip } from '../../../src/deploy/codeZip';
import { UserError } from '../../../src/util/errors';
import { functionFolder, spyGateway, writeHandler } from './fixtures';

let sandbox: TestSandbox;
/** Two independent clients of the same endpoint, like two people (or tools) at once. */
let one: OpsSession;
let two: OpsSession;
const folders: string[] = [];

before(async () => {
  sandbox = await withSandbox({ updateDelayMs: 200 });
  one = sandboxSession(sandbox);
  two = sandboxSession(sandbox);
});
after(async () => {
  one?.dispose();
  two?.dispose();
  await sandbox?.close();
  await Promise.all(folders.map((f) => fs.rm(f, { recursive: true, force: true })));
});

async function folder(value: string): Promise<string> {
  const dir = await functionFolder(value);
  folders.push(dir);
  return dir;
}

async function create(name: string, dir: string): Promise<void> {
  await createFunctionFromFolder(one.gateway, {
    name,
    folder: dir,
    runtime: 'python3.12',
    handler: 'lambda_function.lambda_handler',
    role: TEST_ROLE,
  });
}

async function invokeValue(name: string): Promise<unknown> {
  const result = await one.gateway.invoke(name, new TextEncoder().encode('{"n": 1}'));
  assert.equal(result.functionError, undefined, new TextDecoder().decode(result.payload));
  return (JSON.parse(new TextDecoder().decode(result.payload)) as { value: unknown }).value;
}

test('Create Function zips the folder without its exclusions, waits until Active, and the function runs', async () => {
  const dir = await folder('first');
  const phases: string[] = [];
  const created = await createFunctionFromFolder(
    one.gateway,
    {
      name: 'created-fn',
      folder: dir,
      runtime: 'python3.12',
      handler: 'lambda_function.lambda_handler',
      role: TEST_ROLE,
      memorySize: 256,
      timeout: 10,
      architecture: 'arm64',
    },
    { onProgress: (p) => phases.push(p) },
  );
  assert.deepEqual(phases, ['zipping', 'uploading', 'waiting']);
  assert.equal(created.configuration.State, 'Active');
  assert.deepEqual(
    created.code.files.map((f) => f.path),
    ['lambda_function.py'],
  );
  assert.deepEqual(created.code.excluded, ['.venv/', '__pycache__/']);
  const config = await one.gateway.getFunctionConfiguration('created-fn');
  assert.equal(config.CodeSha256, created.code.codeSha256);
  assert.equal(config.Handler, 'lambda_function.lambda_handler');
  assert.equal(config.MemorySize, 256);
  assert.equal(config.Timeout, 10);
  assert.deepEqual(config.Architectures, ['arm64']);
  assert.equal(await invokeValue('created-fn'), 'first');
});

test('Create Function refuses a taken name and a handler whose module is not in the folder, uploading nothing for the latter', async () => {
  const dir = await folder('x');
  await create('taken-fn', dir);
  await assert.rejects(
    create('taken-fn', dir),
    (e: unknown) => e instanceof UserError && /already exists.*Deploy Code/.test(e.message),
  );
  const spy = spyGateway(one.gateway);
  await assert.rejects(
    createFunctionFromFolder(spy.gateway, {
      name: 'nomodule-fn',
      folder: dir,
      runtime: 'python3.12',
      handler: 'app.handler',
      role: TEST_ROLE,
    }),
    (e: unknown) => e instanceof UserError && /needs app\.py/.test(e.message),
  );
  assert.equal(spy.calls.get('createFunction') ?? 0, 0);
  await assert.rejects(
    createFunctionFromFolder(spy.gateway, {
      name: 'bad name',
      folder: dir,
      runtime: 'python3.12',
      handler: 'lambda_function.lambda_handler',
      role: TEST_ROLE,
    }),
    /1-64 letters/,
  );
});

test('Deploy Code uploads changed code and waits until Successful; unchanged code is not uploaded at all', async () => {
  const dir = await folder('v1');
  await create('deploy-fn', dir);
  const unchanged = spyGateway(one.gateway);
  const same = await deployCode(unchanged.gateway, 'deploy-fn', dir);
  assert.equal(same.kind, 'unchanged');
  assert.equal(unchanged.calls.get('updateFunctionCode') ?? 0, 0, 'no UpdateFunctionCode for unchanged code');

  await writeHandler(dir, 'v2');
  const changed = spyGateway(one.gateway);
  const result = await deployCode(changed.gateway, 'deploy-fn', dir, { expectedCodeSha256: same.code.codeSha256 });
  assert.equal(result.kind, 'deployed');
  assert.equal(changed.calls.get('updateFunctionCode'), 1);
  assert.equal(result.configuration.LastUpdateStatus, 'Successful');
  assert.equal(result.configuration.CodeSha256, result.code.codeSha256);
  assert.equal(result.kind === 'deployed' && result.previousCodeSha256, same.code.codeSha256);
  assert.equal(await invokeValue('deploy-fn'), 'v2');
});

test('a deploy racing another code update stops on the RevisionId check and overwrites nothing', async () => {
  const dir = await folder('mine-1');
  await create('race-fn', dir);
  const theirs = await folder('theirs');
  const theirCode = await buildCodeZip(theirs);
  await writeHandler(dir, 'mine-2');
  let raced = false;
  // Between our read of the function and our upload, someone else deploys other code.
  const spy = spyGateway(one.gateway, {
    updateFunctionCode: async () => {
      if (raced) return;
      raced = true;
      await two.gateway.updateFunctionCode('race-fn', theirCode.zip);
      await two.gateway.waitForFunctionUpdated('race-fn');
    },
  });
  await assert.rejects(deployCode(spy.gateway, 'race-fn', dir), (e: unknown) => {
    assert.ok(e instanceof CodeChangedError, String(e));
    assert.match(e.message, /Nothing was overwritten/);
    assert.equal(e.currentCodeSha256, theirCode.codeSha256);
    return true;
  });
  assert.equal(spy.calls.get('updateFunctionCode'), 1, 'our one upload was refused (412), and not retried');
  assert.equal((await one.gateway.getFunctionConfiguration('race-fn')).CodeSha256, theirCode.codeSha256);
  assert.equal(await invokeValue('race-fn'), 'theirs');
});

test('a deploy racing a configuration change (layers, memory) re-reads and deploys over it, keeping that change', async () => {
  const dir = await folder('cfg-1');
  await create('cfg-race-fn', dir);
  await writeHandler(dir, 'cfg-2');
  let raced = false;
  const spy = spyGateway(one.gateway, {
    updateFunctionCode: async () => {
      if (raced) return;
      raced = true;
      await two.gateway.updateFunctionLayers('cfg-race-fn', []);
      await two.gateway.waitForFunctionUpdated('cfg-race-fn');
    },
  });
  const before = await one.gateway.getFunctionConfiguration('cfg-race-fn');
  const result = await deployCode(spy.gateway, 'cfg-race-fn', dir);
  assert.equal(result.kind, 'deployed');
  assert.equal(spy.calls.get('updateFunctionCode'), 2, 'the first upload got 412, the second went through');
  const after = await one.gateway.getFunctionConfiguration('cfg-race-fn');
  assert.notEqual(after.RevisionId, before.RevisionId);
  assert.equal(after.CodeSha256, result.code.codeSha256);
  assert.equal(await invokeValue('cfg-race-fn'), 'cfg-2');
});

test('code changed by someone else since this folder last deployed is not replaced without asking', async () => {
  const dir = await folder('a');
  await create('expected-fn', dir);
  const mine = await buildCodeZip(dir);
  const theirs = await buildCodeZip(await folder('b'));
  await two.gateway.updateFunctionCode('expected-fn', theirs.zip);
  await two.gateway.waitForFunctionUpdated('expected-fn');
  await writeHandler(dir, 'c');
  const spy = spyGateway(one.gateway);
  await assert.rejects(
    deployCode(spy.gateway, 'expected-fn', dir, { expectedCodeSha256: mine.codeSha256 }),
    CodeChangedError,
  );
  assert.equal(spy.calls.get('updateFunctionCode') ?? 0, 0);
  // Asked and confirmed: replacing any code.
  assert.equal((await deployCode(one.gateway, 'expected-fn', dir)).kind, 'deployed');
  assert.equal(await invokeValue('expected-fn'), 'c');
});
