import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { runCli, type CliRun } from '../../helpers/cli';
import { startMoto, type Moto } from '../../helpers/moto';
import { localConnection } from '../../../src/aws/connection';
import { AwsClientFactory } from '../../../src/aws/clientFactory';
import { SdkLambdaGateway } from '../../../src/aws/lambdaGateway';
import { HANDLER_ZIP, layerZip } from './zips';

let moto: Moto;
let dir: string;

before(async () => {
  moto = await startMoto();
  dir = await fs.mkdtemp(join(tmpdir(), 'ops-cli-'));
});
after(async () => {
  await moto?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

function cli(command: 'publish' | 'attach' | 'detach', args: string[]): Promise<CliRun> {
  return runCli([command, ...args]);
}

test('publish, attach and detach from the command line', { timeout: 120_000 }, async () => {
  const endpoint = ['--endpoint', moto.url, '--region', 'us-east-1'];
  const zip = join(dir, 'deps.zip');
  await layerZip(zip, 'deps');

  const published = await cli('publish', [zip, '--name', 'cli-deps', '--runtime', 'python3.12', ...endpoint]);
  assert.equal(published.code, 0, published.stderr);
  const arn = published.stdout.trim();
  assert.match(arn, /^arn:aws:lambda:us-east-1:123456789012:layer:cli-deps:1$/);
  const again = await cli('publish', [zip, '--name', 'cli-deps', '--runtime', 'python3.12', ...endpoint]);
  assert.equal(again.code, 0);
  assert.equal(again.stdout.trim(), arn);
  assert.match(again.stderr, /nothing published/);

  const factory = new AwsClientFactory(localConnection(moto.url));
  try {
    const role = await factory.iam.send(
      new CreateRoleCommand({ RoleName: 'cli-role', AssumeRolePolicyDocument: '{}' }),
    );
    const gw = new SdkLambdaGateway(factory.lambda, 'us-east-1', moto.url);
    await gw.createFunction({
      name: 'cli-fn',
      runtime: 'python3.11',
      handler: 'app.handler',
      role: role.Role!.Arn!,
      zip: HANDLER_ZIP,
    });
  } finally {
    factory.dispose();
  }

  const attached = await cli('attach', ['cli-fn', arn, ...endpoint]);
  assert.equal(attached.code, 0, attached.stderr);
  assert.equal(attached.stdout, `${arn}\n`);
  assert.match(attached.stderr, /python3\.11.*python3\.12/, 'runtime mismatch warned, not refused');

  const detached = await cli('detach', ['cli-fn', 'cli-deps', ...endpoint]);
  assert.equal(detached.code, 0, detached.stderr);
  assert.equal(detached.stdout, '');

  const notAttached = await cli('detach', ['cli-fn', 'cli-deps', ...endpoint]);
  assert.equal(notAttached.code, 1);
  assert.match(notAttached.stderr, /not attached/);
});

test('failures exit non-zero with a message', { timeout: 60_000 }, async () => {
  const endpoint = ['--endpoint', moto.url];
  const missing = await cli('publish', [join(dir, 'nope.zip'), '--name', 'x', ...endpoint]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /does not exist/);
  const folder = await cli('publish', [dir, '--name', 'x', ...endpoint]);
  assert.equal(folder.code, 1);
  assert.match(folder.stderr, /is a folder, not a layer zip/);
  const badName = await cli('publish', [join(dir, 'nope.zip'), '--name', 'bad name', ...endpoint]);
  assert.equal(badName.code, 1);
  assert.match(badName.stderr, /not a valid layer name/);
  const noFn = await cli('attach', ['no-such-fn', 'arn:aws:lambda:us-east-1:123456789012:layer:x:1', ...endpoint]);
  assert.equal(noFn.code, 1);
  assert.match(noFn.stderr, /error:/);
  const usage = await cli('attach', ['only-a-function']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage: attach/);
});
