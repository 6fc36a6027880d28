// Several accounts in one fleet, for real: moto_server keeps a backend per account, and a profile that assumes a
// role in another account (role_arn + source_profile, through moto's STS) acts in that account, as on AWS. A profile
// whose credentials have expired is an error for its own targets only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { ConnectionSettings } from '../../../src/aws/connection';
import { layerFleet, loadInventory } from '../../../src/fleet/inventory';
import { openFleet, scopePairs } from '../../../src/fleet/scope';
import { motoRole, startMoto, type Moto } from '../../helpers/moto';
import { createActiveFunction, handlerZip, makeZip } from '../../helpers/sandbox';
import { cliEnv, runCli } from '../../helpers/cli';
import { lines } from './lines';

const A = '123456789012';
const B = '210987654321';
const REGIONS = ['us-east-1', 'eu-west-1'];
const arn = (account: string, region: string, v: number) =>
  `arn:aws:lambda:${region}:${account}:layer:shared-deps:${v}`;

let moto: Moto;
let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  moto = await startMoto();
  dir = await fs.mkdtemp(join(tmpdir(), 'fleet-accounts-'));
  const expired = join(dir, 'expired.js');
  await fs.writeFile(
    expired,
    `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: 'AKIAEXPIRED', SecretAccessKey: 's', SessionToken: 't', Expiration: '2020-01-01T00:00:00Z' }));\n`,
  );
  const config = join(dir, 'config');
  await fs.writeFile(
    config,
    [
      '[profile prod-a]',
      'aws_access_key_id = AKIAPRODAAAAAAAAAAAA',
      'aws_secret_access_key = secret-a',
      `endpoint_url = ${moto.url}`,
      '[profile prod-b]',
      `role_arn = arn:aws:iam::${B}:role/fleet-admin`,
      'source_profile = prod-a',
      `endpoint_url = ${moto.url}`,
      '[profile stale]',
      `credential_process = "${process.execPath}" "${expired}"`,
      `endpoint_url = ${moto.url}`,
      '',
    ].join('\n'),
  );
  await fs.writeFile(join(dir, 'credentials'), '');
  const files = {
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    // The SDK's own AssumeRole call for prod-b goes to moto's STS.
    AWS_ENDPOINT_URL_STS: moto.url,
  };
  env = cliEnv(files);
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  // The engine test below resolves the same profiles in this process.
  Object.assign(process.env, files);
});
after(async () => {
  await moto?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

/** What a profile of the scope connects with, as the extension makes it: AWS, that profile, moto's endpoint. */
const settingsFor = (pair: { region: string; profile?: string }): ConnectionSettings => ({
  kind: 'aws',
  region: pair.region,
  ...(pair.profile ? { profile: pair.profile } : {}),
  endpoint: moto.url,
});

async function zip(name: string, source: string): Promise<string> {
  const path = join(dir, name);
  await fs.writeFile(path, makeZip([{ name: 'python/shared.py', data: source }]));
  return path;
}

/** A function on `layerArn` in the profile's account (its execution role made there first). */
async function functionIn(profile: string, region: string, name: string, layerArn: string): Promise<void> {
  const credentials = fromNodeProviderChain({ profile });
  const client = new LambdaClient({ region, endpoint: moto.url, credentials });
  try {
    await createActiveFunction(client, {
      FunctionName: name,
      Runtime: 'python3.12',
      Handler: 'lambda_function.handler',
      Role: await motoRole(moto.url, `${name}-role`, credentials),
      Code: { ZipFile: handlerZip('def handler(e, c):\n    return 1\n') },
      Layers: [layerArn],
    });
  } finally {
    client.destroy();
  }
}

test(
  'two accounts × two regions: publish, the inventory per account, a rollout in both; an expired profile fails alone',
  { timeout: 180_000 },
  async () => {
    const regions = REGIONS.join(',');
    const v1 = await zip('v1.zip', 'V = 1\n');
    const publish = (file: string, profiles: string) =>
      runCli(['publish', file, '--name', 'shared-deps', '--regions', regions, '--profiles', profiles], env);

    // 1. Publish to 2 accounts × 2 regions: each line names its profile and the ARN its account.
    const first = await publish(v1, 'prod-a,prod-b');
    assert.equal(first.code, 0, first.stderr);
    const cells = (v: number, status: string) =>
      [
        ...REGIONS.map((r) => `prod-a@${r} ${arn(A, r, v)} ${status}`),
        ...REGIONS.map((r) => `prod-b@${r} ${arn(B, r, v)} ${status}`),
      ].sort();
    assert.deepEqual(lines(first.stdout), cells(1, 'published'));
    const again = await publish(v1, 'prod-a,prod-b');
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(lines(again.stdout), cells(1, 'unchanged'), 'idempotent in each account');

    // 2. An expired profile is a failed line for each of its regions; the other account still publishes.
    const stale = await publish(v1, 'prod-a,stale');
    assert.equal(stale.code, 1);
    assert.deepEqual(
      lines(stale.stdout),
      [
        ...REGIONS.map((r) => `prod-a@${r} ${arn(A, r, 1)} unchanged`),
        ...REGIONS.map((r) => `stale@${r} - failed`),
      ].sort(),
    );
    // The SDK's chain reports the expired process credentials as none it could load.
    assert.match(
      stale.stderr,
      /stale@us-east-1: AWS did not accept the credentials of profile "stale"\..*\n {2}\(CredentialsProviderError: /,
    );

    // 3. The inventory: 4 cells with their accounts and their own functions, the expired profile's 2 error rows.
    await functionIn('prod-a', 'us-east-1', 'orders', arn(A, 'us-east-1', 1));
    await functionIn('prod-b', 'eu-west-1', 'billing', arn(B, 'eu-west-1', 1));
    const fleet = openFleet(scopePairs(REGIONS, ['prod-a', 'prod-b', 'stale']), settingsFor);
    try {
      const rows = layerFleet(await loadInventory(fleet), 'shared-deps');
      const seen = rows.map((r) =>
        r.status === 'ok'
          ? `${r.target} ${r.account} v${r.latest} ${r.versions.flatMap((v) => v.functions).join(',') || '-'}`
          : `${r.target} ${r.status}`,
      );
      assert.deepEqual(seen, [
        `prod-a@us-east-1 ${A} v1 orders`,
        `prod-a@eu-west-1 ${A} v1 -`,
        `prod-b@us-east-1 ${B} v1 -`,
        `prod-b@eu-west-1 ${B} v1 billing`,
        'stale@us-east-1 error',
        'stale@eu-west-1 error',
      ]);
      const error = rows.find((r) => r.target === 'stale@eu-west-1');
      assert.match(error?.status === 'error' ? error.reason : '', /Could not load credentials/);
    } finally {
      fleet.dispose();
    }

    // 4. A new version everywhere, then one rollout over both accounts moves each account's function.
    const v2 = await publish(await zip('v2.zip', 'V = 2\n'), 'prod-a,prod-b');
    assert.deepEqual(lines(v2.stdout), cells(2, 'published'));
    const rollout = await runCli(
      ['rollout', 'shared-deps', '--regions', regions, '--profiles', 'prod-a,prod-b', '--canary', '1'],
      env,
    );
    assert.equal(rollout.code, 0, rollout.stderr);
    assert.deepEqual(lines(rollout.stdout), [
      `prod-a@us-east-1 orders ${arn(A, 'us-east-1', 1)} -> ${arn(A, 'us-east-1', 2)} updated`,
      `prod-b@eu-west-1 billing ${arn(B, 'eu-west-1', 1)} -> ${arn(B, 'eu-west-1', 2)} updated`,
    ]);
    assert.equal(
      (await runCli(['publish', v1, '--name', 'x', '--profiles', 'prod-a'], env)).code,
      2,
      '--profiles needs --regions',
    );
    assert.equal(
      (await runCli(['rollout', 'shared-deps', '--regions', regions, '--profile', 'a', '--profiles', 'b'], env)).code,
      2,
      '--profile and --profiles together',
    );
  },
);
