// Layers of another account (public or shared layers): a 12-digit access key id acts as that account, and
// another account may read or attach a version only when the version's policy grants it, as on AWS.
import { describe, it, before, after } from 'node:test';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import {
  AddLayerVersionPermissionCommand,
  CreateFunctionCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  ListLayersCommand,
  PublishLayerVersionCommand,
  RemoveLayerVersionPermissionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import {
  TEST_ROLE,
  awsCli,
  handlerZip,
  lambdaClient,
  publishPublicLayer,
  pythonPackageLayer,
  withSandbox,
  type TestSandbox,
} from '../../helpers/sandbox';

const OTHER = '336392948345';
const PARTNER = '210987654321';
const STRANGER = '444455556666';
const ORG = 'o-a1b2c3d4e5';
const waitOpts = (client: LambdaClient) =>
  ({ client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 }) as Parameters<typeof waitUntilFunctionActiveV2>[0];
const denied = (account: string, arn: string) => ({
  name: 'AccessDeniedException',
  message: `User: arn:aws:iam::${account}:root is not authorized to perform: lambda:GetLayerVersion on resource: ${arn} because no resource-based policy allows the lambda:GetLayerVersion action`,
});

describe('layers of another account', () => {
  let sb: TestSandbox;
  let own: LambdaClient;
  let other: LambdaClient;
  let partner: LambdaClient;
  let stranger: LambdaClient;
  let sharedArn: string;
  let privateArn: string;
  let dataDir: string;
  before(async () => {
    dataDir = await fs.mkdtemp(join(tmpdir(), 'sandbox-accounts-'));
    // The documented way to tell the sandbox which accounts belong to an organization.
    await fs.writeFile(join(dataDir, 'organizations.json'), JSON.stringify({ [ORG]: [PARTNER] }));
    sb = await withSandbox({ dataDir });
    own = sb.client();
    other = lambdaClient(sb, 'us-east-1', OTHER);
    partner = lambdaClient(sb, 'us-east-1', PARTNER);
    stranger = lambdaClient(sb, 'us-east-1', STRANGER);
    sharedArn = await publishPublicLayer(sb, OTHER, {
      LayerName: 'shared-pkg',
      Content: { ZipFile: pythonPackageLayer('sharedpkg', '2.5.0') },
      CompatibleRuntimes: ['python3.12'],
    });
    const v = await other.send(
      new PublishLayerVersionCommand({
        LayerName: 'private-pkg',
        Content: { ZipFile: pythonPackageLayer('privpkg', '1.0.0') },
      }),
    );
    privateArn = v.LayerVersionArn!;
  });
  after(async () => {
    [other, partner, stranger].forEach((c) => c.destroy());
    await sb.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('are published under that account and listed only there', async () => {
    assert.equal(sharedArn, `arn:aws:lambda:us-east-1:${OTHER}:layer:shared-pkg:1`);
    assert.deepEqual(
      (await other.send(new ListLayersCommand({}))).Layers?.map((l) => l.LayerArn),
      [`arn:aws:lambda:us-east-1:${OTHER}:layer:private-pkg`, `arn:aws:lambda:us-east-1:${OTHER}:layer:shared-pkg`],
    );
    assert.deepEqual((await own.send(new ListLayersCommand({}))).Layers, []);
  });

  it('a public version can be read by ARN from any account, but not from another region', async () => {
    const v = await own.send(new GetLayerVersionByArnCommand({ Arn: sharedArn }));
    assert.equal(v.LayerVersionArn, sharedArn);
    assert.deepEqual(v.CompatibleRuntimes, ['python3.12']);
    await assert.rejects(sb.client('eu-west-1').send(new GetLayerVersionByArnCommand({ Arn: sharedArn })), {
      name: 'ResourceNotFoundException',
    });
  });

  it('an ungranted (or missing) version of another account is AccessDenied, by ARN and when attached', async () => {
    await assert.rejects(
      own.send(new GetLayerVersionByArnCommand({ Arn: privateArn })),
      denied('123456789012', privateArn),
    );
    const missing = sharedArn.replace(/:1$/, ':2');
    await assert.rejects(own.send(new GetLayerVersionByArnCommand({ Arn: missing })), denied('123456789012', missing));
    await assert.rejects(
      own.send(
        new CreateFunctionCommand({
          FunctionName: 'wants-private',
          Runtime: 'python3.12',
          Role: TEST_ROLE,
          Handler: 'x.h',
          Code: { ZipFile: handlerZip('') },
          Layers: [privateArn],
        }),
      ),
      denied('123456789012', privateArn),
    );
    // The owner always may.
    assert.equal((await other.send(new GetLayerVersionByArnCommand({ Arn: privateArn }))).LayerVersionArn, privateArn);
  });

  it('grant to an account, then revoke: access follows the policy', async () => {
    const grant = await other.send(
      new AddLayerVersionPermissionCommand({
        LayerName: 'private-pkg',
        VersionNumber: 1,
        StatementId: 'to-own',
        Action: 'lambda:GetLayerVersion',
        Principal: '123456789012',
      }),
    );
    assert.deepEqual(JSON.parse(grant.Statement!), {
      Sid: 'to-own',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'lambda:GetLayerVersion',
      Resource: privateArn,
    });
    assert.equal((await own.send(new GetLayerVersionByArnCommand({ Arn: privateArn }))).LayerVersionArn, privateArn);
    await assert.rejects(
      stranger.send(new GetLayerVersionByArnCommand({ Arn: privateArn })),
      denied(STRANGER, privateArn),
    );
    await other.send(
      new RemoveLayerVersionPermissionCommand({
        LayerName: 'private-pkg',
        VersionNumber: 1,
        StatementId: 'to-own',
        RevisionId: grant.RevisionId,
      }),
    );
    await assert.rejects(
      own.send(new GetLayerVersionByArnCommand({ Arn: privateArn })),
      denied('123456789012', privateArn),
    );
  });

  it('grant to an organization reaches its members only (organizations.json), then revoke', async () => {
    await other.send(
      new AddLayerVersionPermissionCommand({
        LayerName: 'private-pkg',
        VersionNumber: 1,
        StatementId: 'org',
        Action: 'lambda:GetLayerVersion',
        Principal: '*',
        OrganizationId: ORG,
      }),
    );
    assert.equal(
      (await partner.send(new GetLayerVersionByArnCommand({ Arn: privateArn }))).LayerVersionArn,
      privateArn,
    );
    await assert.rejects(
      stranger.send(new GetLayerVersionByArnCommand({ Arn: privateArn })),
      denied(STRANGER, privateArn),
    );
    await other.send(
      new RemoveLayerVersionPermissionCommand({ LayerName: 'private-pkg', VersionNumber: 1, StatementId: 'org' }),
    );
    await assert.rejects(
      partner.send(new GetLayerVersionByArnCommand({ Arn: privateArn })),
      denied(PARTNER, privateArn),
    );
  });

  it('grant to everyone, then revoke (GetLayerVersion with the layer ARN follows the same policy)', async () => {
    const layerArn = privateArn.replace(/:1$/, '');
    const byLayerArn = () => stranger.send(new GetLayerVersionCommand({ LayerName: layerArn, VersionNumber: 1 }));
    await assert.rejects(byLayerArn(), denied(STRANGER, privateArn));
    await other.send(
      new AddLayerVersionPermissionCommand({
        LayerName: 'private-pkg',
        VersionNumber: 1,
        StatementId: 'pub',
        Action: 'lambda:GetLayerVersion',
        Principal: '*',
      }),
    );
    assert.equal(
      (await stranger.send(new GetLayerVersionByArnCommand({ Arn: privateArn }))).LayerVersionArn,
      privateArn,
    );
    assert.equal((await byLayerArn()).LayerVersionArn, privateArn);
    await other.send(
      new RemoveLayerVersionPermissionCommand({ LayerName: 'private-pkg', VersionNumber: 1, StatementId: 'pub' }),
    );
    await assert.rejects(
      stranger.send(new GetLayerVersionByArnCommand({ Arn: privateArn })),
      denied(STRANGER, privateArn),
    );
  });

  it('a granted version can be attached to a function of the default account, which then imports it', async () => {
    await own.send(
      new CreateFunctionCommand({
        FunctionName: 'uses-shared',
        Runtime: 'python3.12',
        Role: TEST_ROLE,
        Handler: 'lambda_function.handler',
        Code: {
          ZipFile: handlerZip('import sharedpkg\ndef handler(event, context):\n    return sharedpkg.__version__\n'),
        },
      }),
    );
    await waitUntilFunctionActiveV2(waitOpts(own), { FunctionName: 'uses-shared' });
    const updated = await own.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'uses-shared', Layers: [sharedArn] }),
    );
    assert.deepEqual(
      updated.Layers?.map((l) => l.Arn),
      [sharedArn],
    );
    assert.equal(updated.FunctionArn, 'arn:aws:lambda:us-east-1:123456789012:function:uses-shared');
    await waitUntilFunctionUpdatedV2(waitOpts(own), { FunctionName: 'uses-shared' });
    const out = await own.send(new InvokeCommand({ FunctionName: 'uses-shared' }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    assert.equal(Buffer.from(out.Payload!).toString(), '"2.5.0"');
    // Attaching an ungranted one is refused the same way.
    await assert.rejects(
      own.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'uses-shared', Layers: [privateArn] })),
      denied('123456789012', privateArn),
    );
  });

  it('ListFunctions with FunctionVersion=ALL lists $LATEST with a qualified ARN; another value is refused', async () => {
    const all = await own.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
    const entry = all.Functions?.find((f) => f.FunctionName === 'uses-shared');
    assert.equal(entry?.FunctionArn, 'arn:aws:lambda:us-east-1:123456789012:function:uses-shared:$LATEST');
    assert.equal(entry?.Version, '$LATEST');
    const plain = await own.send(new ListFunctionsCommand({}));
    assert.equal(
      plain.Functions?.find((f) => f.FunctionName === 'uses-shared')?.FunctionArn,
      'arn:aws:lambda:us-east-1:123456789012:function:uses-shared',
    );
    await assert.rejects(own.send(new ListFunctionsCommand({ FunctionVersion: 'SOME' as 'ALL' })), {
      name: 'ValidationException',
    });
  });

  it('policies and grants survive a restart, blobs included', async () => {
    await sb.close();
    sb = await withSandbox({ dataDir });
    const v = await sb.client().send(new GetLayerVersionByArnCommand({ Arn: sharedArn }));
    assert.equal(v.LayerVersionArn, sharedArn);
    const zip = await fetch(v.Content!.Location!);
    assert.equal(zip.status, 200);
    const owner = lambdaClient(sb, 'us-east-1', OTHER);
    try {
      const policy = await owner.send(new GetLayerVersionPolicyCommand({ LayerName: 'shared-pkg', VersionNumber: 1 }));
      assert.deepEqual(
        JSON.parse(policy.Policy!).Statement.map((s: { Sid: string }) => s.Sid),
        ['public'],
      );
    } finally {
      owner.destroy();
    }
  });
});

describe('layer version policy API (own account)', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  before(async () => {
    sb = await withSandbox();
    c = sb.client();
    await c.send(
      new PublishLayerVersionCommand({ LayerName: 'lib', Content: { ZipFile: pythonPackageLayer('lib', '1.0') } }),
    );
  });
  after(() => sb.close());

  const add = (input: Partial<ConstructorParameters<typeof AddLayerVersionPermissionCommand>[0]>) =>
    c.send(
      new AddLayerVersionPermissionCommand({
        LayerName: 'lib',
        VersionNumber: 1,
        StatementId: 's',
        Action: 'lambda:GetLayerVersion',
        Principal: '*',
        ...input,
      }),
    );

  it('answers with AWS errors: no policy, duplicate id, stale revision, bad fields, missing version or statement', async () => {
    await assert.rejects(c.send(new GetLayerVersionPolicyCommand({ LayerName: 'lib', VersionNumber: 1 })), {
      name: 'ResourceNotFoundException',
      message: 'No policy is associated with the given resource.',
    });
    const first = await add({ StatementId: 'one', Principal: PARTNER });
    await assert.rejects(add({ StatementId: 'one' }), {
      name: 'ResourceConflictException',
      message: /The statement id \(one\) provided already exists/,
    });
    await assert.rejects(
      add({ StatementId: 'two', RevisionId: 'stale' }),
      (e: Error & { $metadata?: { httpStatusCode?: number } }) =>
        e.name === 'PreconditionFailedException' && e.$metadata?.httpStatusCode === 412,
    );
    const second = await add({ StatementId: 'two', RevisionId: first.RevisionId });
    assert.notEqual(second.RevisionId, first.RevisionId);
    await assert.rejects(
      add({ StatementId: 'bad id!', Action: 'lambda:InvokeFunction', Principal: 'someone' }),
      (e: Error) => {
        assert.equal(e.name, 'ValidationException');
        assert.match(e.message, /^3 validation errors detected: .*'statementId'.*'action'.*'principal'/);
        return true;
      },
    );
    await assert.rejects(add({ StatementId: 'org', Principal: PARTNER, OrganizationId: ORG }), {
      name: 'InvalidParameterValueException',
    });
    await assert.rejects(add({ VersionNumber: 9 }), { name: 'ResourceNotFoundException' });
    await assert.rejects(
      c.send(new RemoveLayerVersionPermissionCommand({ LayerName: 'lib', VersionNumber: 1, StatementId: 'nope' })),
      {
        name: 'ResourceNotFoundException',
        message: 'Statement nope is not found in resource policy.',
      },
    );
    await assert.rejects(
      c.send(
        new RemoveLayerVersionPermissionCommand({
          LayerName: 'lib',
          VersionNumber: 1,
          StatementId: 'one',
          RevisionId: first.RevisionId,
        }),
      ),
      {
        name: 'PreconditionFailedException',
      },
    );
  });

  it('refuses a policy past 20 KB with PolicyLengthExceededException', async () => {
    await c.send(
      new PublishLayerVersionCommand({ LayerName: 'big', Content: { ZipFile: pythonPackageLayer('big', '1.0') } }),
    );
    const grant = (i: number) =>
      c.send(
        new AddLayerVersionPermissionCommand({
          LayerName: 'big',
          VersionNumber: 1,
          StatementId: `s${i}-${'x'.repeat(90)}`,
          Action: 'lambda:GetLayerVersion',
          Principal: '*',
        }),
      );
    let error: Error | undefined;
    for (let i = 0; i < 200 && !error; i++)
      error = await grant(i).then(
        () => undefined,
        (e: Error) => e,
      );
    assert.equal(error?.name, 'PolicyLengthExceededException');
    assert.match(error!.message, /bigger than the limit \(20480\)/);
  });

  it('the AWS CLI reads and writes the same policy', async () => {
    const added = await awsCli(sb, [
      'add-layer-version-permission',
      '--layer-name',
      'lib',
      '--version-number',
      '1',
      '--statement-id',
      'cli',
      '--action',
      'lambda:GetLayerVersion',
      '--principal',
      '*',
      '--organization-id',
      ORG,
    ]);
    assert.equal(added.code, 0, added.stderr);
    assert.deepEqual(JSON.parse(JSON.parse(added.stdout).Statement).Condition, {
      StringEquals: { 'aws:PrincipalOrgID': ORG },
    });
    const read = await awsCli(sb, ['get-layer-version-policy', '--layer-name', 'lib', '--version-number', '1']);
    assert.equal(read.code, 0, read.stderr);
    const sdk = await c.send(new GetLayerVersionPolicyCommand({ LayerName: 'lib', VersionNumber: 1 }));
    assert.deepEqual(JSON.parse(read.stdout), { Policy: sdk.Policy, RevisionId: sdk.RevisionId });
    const removed = await awsCli(sb, [
      'remove-layer-version-permission',
      '--layer-name',
      'lib',
      '--version-number',
      '1',
      '--statement-id',
      'cli',
    ]);
    assert.equal(removed.code, 0, removed.stderr);
  });

  it('deleting a version drops its policy', async () => {
    await c.send(
      new PublishLayerVersionCommand({ LayerName: 'gone', Content: { ZipFile: pythonPackageLayer('gone', '1.0') } }),
    );
    await c.send(
      new AddLayerVersionPermissionCommand({
        LayerName: 'gone',
        VersionNumber: 1,
        StatementId: 'p',
        Action: 'lambda:GetLayerVersion',
        Principal: '*',
      }),
    );
    await awsCli(sb, ['delete-layer-version', '--layer-name', 'gone', '--version-number', '1']);
    await assert.rejects(c.send(new GetLayerVersionPolicyCommand({ LayerName: 'gone', VersionNumber: 1 })), {
      name: 'ResourceNotFoundException',
    });
    const files = await fs.readdir(join(sb.dataDir, 'policies', '123456789012', 'us-east-1', 'gone')).catch(() => []);
    assert.deepEqual(files, []);
  });
});
