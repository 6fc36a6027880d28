// Retention and sharing end to end: the engines and the CLI against the local endpoint and moto_server,
// checked against what the SDK and the AWS CLI read back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionPolicyCommand,
  LambdaClient,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { localConnection } from '../../../src/aws/connection';
import { openSession, type OpsSession } from '../../../src/ops/session';
import { applyRetention, planOutcomes, planRetention } from '../../../src/ops/retention';
import { grantAccess, parsePolicy, readPolicy, revokeAccess } from '../../../src/ops/sharing';
import { runCli } from '../../helpers/cli';
import { startMoto, type Moto } from '../../helpers/moto';
import {
  TEST_ROLE,
  awsCli,
  createActiveFunction,
  handlerZip,
  lambdaClient,
  pythonPackageLayer,
  withSandbox,
  type TestSandbox,
  sandboxSession,
} from '../../helpers/sandbox';

const ACCOUNT = '123456789012';
const arnOf = (layer: string, v: number, region = 'us-east-1') =>
  `arn:aws:lambda:${region}:${ACCOUNT}:layer:${layer}:${v}`;

async function publish(client: LambdaClient, layer: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await client.send(
      new PublishLayerVersionCommand({
        LayerName: layer,
        Content: { ZipFile: pythonPackageLayer(layer.replace(/-/g, '_'), `1.${i}`) },
      }),
    );
  }
}

/**
 * A layer version used only by a published function version (the function itself moved on) is kept, with the
 * version and the alias serving it named; the run is repeatable. The same on every endpoint that has PublishVersion.
 */
async function prunePinnedByVersion(client: LambdaClient, role: string, endpoint: string[]): Promise<void> {
  await publish(client, 'pinned', 4);
  await client.send(
    new CreateFunctionCommand({
      FunctionName: 'pinner',
      Runtime: 'python3.12',
      Role: role,
      Handler: 'app.handler',
      Code: { ZipFile: handlerZip('') },
      Layers: [arnOf('pinned', 1)],
    }),
  );
  await waitUntilFunctionActiveV2(
    { client, maxWaitTime: 10, minDelay: 0.1, maxDelay: 0.5 },
    { FunctionName: 'pinner' },
  );
  const published = await client.send(new PublishVersionCommand({ FunctionName: 'pinner' }));
  await client.send(
    new CreateAliasCommand({ FunctionName: 'pinner', Name: 'live', FunctionVersion: published.Version }),
  );
  await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'pinner', Layers: [arnOf('pinned', 2)] }));
  await waitUntilFunctionUpdatedV2(
    { client, maxWaitTime: 10, minDelay: 0.1, maxDelay: 0.5 },
    { FunctionName: 'pinner' },
  );

  const r = await runCli(['prune', 'pinned', '--keep', '1', ...endpoint]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    'us-east-1 4 kept (newest 1)',
    'us-east-1 3 deleted (not among the newest 1, unused)',
    'us-east-1 2 kept (used by pinner)',
    `us-east-1 1 kept (used by pinner:${published.Version} (alias live))`,
  ]);
  const again = await runCli(['prune', 'pinned', '--keep', '1', ...endpoint]);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /deleted/);
}

describe('retention and sharing on the local endpoint', () => {
  let sb: TestSandbox;
  let client: LambdaClient;
  let session: OpsSession;
  const endpoint = () => ['--endpoint', sb.url, '--region', 'us-east-1'];

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 10 });
    client = sb.client();
    session = sandboxSession(sb);
  });
  after(async () => {
    session.dispose();
    await sb.close();
  });

  it('prune from the command line: dry run, the real run, then a repeated run; used versions stay, in every region', async () => {
    await publish(client, 'deps', 5);
    const west = sb.client('eu-west-1');
    await publish(west, 'deps', 2);
    await createActiveFunction(client, {
      FunctionName: 'old-user',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'app.handler',
      Code: { ZipFile: handlerZip('') },
      Layers: [arnOf('deps', 2)],
    });

    const dry = await runCli([
      'prune',
      'deps',
      '--keep',
      '2',
      '--dry-run',
      '--regions',
      'us-east-1,eu-west-1',
      ...endpoint(),
    ]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(dry.stdout.trim().split('\n'), [
      'us-east-1 5 kept (newest 2)',
      'us-east-1 4 kept (newest 2)',
      'us-east-1 3 would-delete (not among the newest 2, unused)',
      'us-east-1 2 kept (used by old-user)',
      'us-east-1 1 would-delete (not among the newest 2, unused)',
      'eu-west-1 2 kept (newest 2)',
      'eu-west-1 1 kept (newest 2)',
    ]);

    const real = await runCli(['prune', 'deps', '--keep', '2', '--regions', 'us-east-1,eu-west-1', ...endpoint()]);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, /^us-east-1 3 deleted \(not among the newest 2, unused\)$/m);
    assert.match(real.stdout, /^us-east-1 1 deleted /m);
    const left = await awsCli(sb, ['list-layer-versions', '--layer-name', 'deps']);
    assert.deepEqual(
      JSON.parse(left.stdout).LayerVersions.map((v: { Version: number }) => v.Version),
      [5, 4, 2],
    );

    const again = await runCli(['prune', 'deps', '--keep', '2', ...endpoint()]);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /deleted/);
    west.destroy();
  });

  it('prune keeps versions that only a published function version still uses', () =>
    prunePinnedByVersion(client, TEST_ROLE, endpoint()));

  it('a version that becomes used between the preview and the delete is kept and reported', async () => {
    await publish(client, 'racy', 3);
    await createActiveFunction(client, {
      FunctionName: 'latecomer',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'app.handler',
      Code: { ZipFile: handlerZip('') },
    });
    const plan = await planRetention([session.gateway], 'racy', { keep: 1 });
    assert.deepEqual(
      planOutcomes(plan).map((o) => `${o.version} ${o.status}`),
      ['3 kept', '2 deleted', '1 deleted'],
    );
    await client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'latecomer', Layers: [arnOf('racy', 1)] }),
    );
    const outcomes = await applyRetention([session.gateway], plan);
    assert.deepEqual(
      outcomes.map((o) => `${o.version} ${o.status} (${o.reason})`),
      ['3 kept (newest 1)', '2 deleted (not among the newest 1, unused)', '1 kept (now used by latecomer; kept)'],
    );
  });

  it('share, policy and unshare from the command line agree with the AWS CLI and the engine', async () => {
    await publish(client, 'shared', 1);
    const arn = arnOf('shared', 1);
    for (const flags of [['--account', '210987654321'], ['--org', 'o-a1b2c3d4e5'], ['--public']]) {
      const r = await runCli(['share', arn, ...flags, ...endpoint()]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^granted /);
    }
    const twice = await runCli(['share', arn, '--public', ...endpoint()]);
    assert.equal(twice.stdout.trim(), 'already public');

    const printed = await runCli(['policy', arn, ...endpoint()]);
    assert.equal(printed.code, 0, printed.stderr);
    const aws = await awsCli(sb, ['get-layer-version-policy', '--layer-name', 'shared', '--version-number', '1']);
    assert.deepEqual(JSON.parse(printed.stdout), JSON.parse(JSON.parse(aws.stdout).Policy));
    const engine = await readPolicy(session.gateway, { layerName: 'shared', version: 1 });
    assert.deepEqual(engine.grants, parsePolicy(JSON.parse(aws.stdout).Policy));
    assert.deepEqual(
      engine.grants.map((g) => `${g.kind} ${g.statementId}`),
      ['account account-210987654321', 'organization org-o-a1b2c3d4e5', 'public public'],
    );

    // A grant made with the AWS CLI shows up in the engine, and the engine's revoke removes it.
    const added = await awsCli(sb, [
      'add-layer-version-permission',
      '--layer-name',
      'shared',
      '--version-number',
      '1',
      '--statement-id',
      'by-cli',
      '--action',
      'lambda:GetLayerVersion',
      '--principal',
      '111122223333',
    ]);
    assert.equal(added.code, 0, added.stderr);
    assert.ok(
      (await readPolicy(session.gateway, { layerName: 'shared', version: 1 })).grants.some(
        (g) => g.statementId === 'by-cli' && g.kind === 'account',
      ),
    );
    const removed = await runCli(['unshare', arn, '--statement-id', 'by-cli', ...endpoint()]);
    assert.equal(removed.code, 0, removed.stderr);
    const missing = await runCli(['unshare', arn, '--statement-id', 'by-cli', ...endpoint()]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /has no statement "by-cli"\. Its statements are: account-210987654321, /);
    assert.doesNotMatch(missing.stderr, /explorer/);
  });

  it('another account can use a version only while a grant made through the engine stands', async () => {
    await publish(client, 'granted', 1);
    const stranger = lambdaClient(sb, 'us-east-1', '210987654321');
    const read = () =>
      stranger.send(new GetLayerVersionByArnCommand({ Arn: arnOf('granted', 1) })).then(
        () => 'ok',
        (e: Error) => e.name,
      );
    const strangerReadsPolicy = () =>
      stranger.send(new GetLayerVersionPolicyCommand({ LayerName: 'granted', VersionNumber: 1 })).then(
        () => 'ok',
        (e: Error) => e.name,
      );
    try {
      assert.equal(await read(), 'AccessDeniedException');
      await grantAccess(
        session.gateway,
        { layerName: 'granted', version: 1 },
        { kind: 'account', accountId: '210987654321' },
      );
      assert.equal(await read(), 'ok');
      assert.equal(
        await strangerReadsPolicy(),
        'ResourceNotFoundException',
        'the grantee cannot read the policy (its own account has no such layer)',
      );
      await revokeAccess(session.gateway, { layerName: 'granted', version: 1 }, 'account-210987654321');
      assert.equal(await read(), 'AccessDeniedException');
    } finally {
      stranger.destroy();
    }
  });

  it('bad arguments are usage errors', async () => {
    assert.equal((await runCli(['prune', 'deps', ...endpoint()])).code, 2);
    assert.equal(
      (await runCli(['share', arnOf('shared', 1), '--public', '--account', '210987654321', ...endpoint()])).code,
      2,
    );
    assert.equal((await runCli(['policy', 'not-an-arn', ...endpoint()])).code, 2);
    const badRegion = await runCli(['prune', 'deps', '--keep', '1', '--regions', 'us-east-1,eu-wset-1', ...endpoint()]);
    assert.equal(badRegion.code, 1);
    assert.match(badRegion.stderr, /--regions eu-wset-1 is not an AWS region. Did you mean .*eu-west-1/);
    const badKeep = await runCli(['prune', 'deps', '--keep', 'many', ...endpoint()]);
    assert.equal(badKeep.code, 2);
    assert.match(badKeep.stderr, /--keep must be a whole number of 0 or more, not "many"/);
  });
});

describe('retention and sharing on moto_server', () => {
  let moto: Moto;
  let session: OpsSession;
  let client: LambdaClient;
  let role: string;

  before(async () => {
    moto = await startMoto();
    session = openSession(localConnection(moto.url));
    client = lambdaClient(moto.url);
    const iam = new IAMClient({
      region: 'us-east-1',
      endpoint: moto.url,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    role = (
      await iam
        .send(new CreateRoleCommand({ RoleName: 'lifecycle', AssumeRolePolicyDocument: '{}' }))
        .finally(() => iam.destroy())
    ).Role!.Arn!;
  });
  after(async () => {
    client?.destroy();
    session?.dispose();
    await moto?.close();
  });

  it('prune keeps versions that only a published function version still uses', () =>
    prunePinnedByVersion(client, role, ['--endpoint', moto.url, '--region', 'us-east-1']));

  it('grants and revokes; the AWS CLI reads what the engine wrote', async () => {
    await publish(client, 'moto-shared', 1);
    const id = { layerName: 'moto-shared', version: 1 };
    assert.deepEqual((await readPolicy(session.gateway, id)).grants, []);
    await grantAccess(session.gateway, id, { kind: 'account', accountId: '210987654321' });
    await grantAccess(session.gateway, id, { kind: 'organization', organizationId: 'o-a1b2c3d4e5' });
    await grantAccess(session.gateway, id, { kind: 'public' });
    const aws = await awsCli(moto.url, [
      'get-layer-version-policy',
      '--layer-name',
      'moto-shared',
      '--version-number',
      '1',
    ]);
    assert.equal(aws.code, 0, aws.stderr);
    const engine = await readPolicy(session.gateway, id);
    assert.deepEqual(parsePolicy(JSON.parse(aws.stdout).Policy), engine.grants);
    assert.deepEqual(
      engine.grants.map((g) => g.kind),
      ['account', 'organization', 'public'],
    );
    // moto 5.2 answers RemoveLayerVersionPermission with 412 whenever a RevisionId is sent (it compares the query
    // value's list to a string), so the engine's guarded revoke cannot run here; revoke with the AWS CLI instead.
    const removed = await awsCli(moto.url, [
      'remove-layer-version-permission',
      '--layer-name',
      'moto-shared',
      '--version-number',
      '1',
      '--statement-id',
      'public',
    ]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(
      (await readPolicy(session.gateway, id)).grants.map((g) => g.statementId),
      ['account-210987654321', 'org-o-a1b2c3d4e5'],
    );
  });
});
