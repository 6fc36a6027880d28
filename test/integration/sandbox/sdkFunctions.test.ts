import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  DeleteLayerVersionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListFunctionsCommand,
  PublishLayerVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  paginateListFunctions,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type CreateFunctionCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  TEST_ROLE,
  handlerZip,
  makeZip,
  withFrozenSandbox,
  withSandbox,
  type TestSandbox,
  rejectsWith,
} from '../../helpers/sandbox';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');
const CODE = handlerZip('def handler(event, context):\n    return event\n');
const waitOpts = (client: LambdaClient) =>
  ({ client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 }) as Parameters<typeof waitUntilFunctionActiveV2>[0];

describe('functions over the AWS SDK', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  const layerArns: string[] = [];
  const create = (name: string, extra: Partial<CreateFunctionCommandInput> = {}) =>
    c.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'python3.12',
        Role: TEST_ROLE,
        Handler: 'lambda_function.handler',
        Code: { ZipFile: CODE },
        ...extra,
      }),
    );

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 150 });
    c = sb.client();
    for (let i = 0; i < 6; i++) {
      const v = await c.send(
        new PublishLayerVersionCommand({
          LayerName: `lib${i}`,
          Content: { ZipFile: makeZip([{ name: `python/lib${i}.py`, data: '' }]) },
        }),
      );
      layerArns.push(v.LayerVersionArn!);
    }
  });
  after(() => sb.close());

  it('creates Pending, becomes Active (waiter), with AWS field formats', async () => {
    const created = await create('lifecycle', {
      Environment: { Variables: { A1: '1' } },
      Layers: [layerArns[0]],
      Timeout: 5,
      MemorySize: 256,
    });
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.equal(created.State, 'Pending');
    assert.equal(created.StateReasonCode, 'Creating');
    assert.equal(created.LastUpdateStatus, undefined);
    assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:123456789012:function:lifecycle');
    assert.equal(created.CodeSha256, sha(CODE));
    assert.equal(created.CodeSize, CODE.length);
    assert.equal(created.Version, '$LATEST');
    assert.equal(created.PackageType, 'Zip');
    assert.deepEqual(created.Architectures, ['x86_64']);
    assert.deepEqual(created.Environment?.Variables, { A1: '1' });
    assert.equal(created.Layers?.[0].Arn, layerArns[0]);
    assert.match(created.LastModified!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

    await rejectsWith(create('lifecycle'), 'ResourceConflictException', 409, 'Function already exist: lifecycle');

    await waitUntilFunctionActiveV2(waitOpts(c), { FunctionName: 'lifecycle' });
    const active = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'lifecycle' }));
    assert.equal(active.State, 'Active');
    assert.equal(active.LastUpdateStatus, 'Successful');
    assert.notEqual(active.RevisionId, created.RevisionId);

    const full = await c.send(
      new GetFunctionCommand({ FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:lifecycle' }),
    );
    assert.equal(full.Configuration?.FunctionName, 'lifecycle');
    assert.equal(full.Code?.RepositoryType, 'S3');
    const code = new Uint8Array(await (await fetch(full.Code!.Location!)).arrayBuffer());
    assert.equal(sha(code), sha(CODE));
  });

  it('updates: InProgress → Successful, new RevisionId each time, 412 on a stale one', async () => {
    await create('updating');
    await waitUntilFunctionActiveV2(waitOpts(c), { FunctionName: 'updating' });
    const before = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'updating' }));

    await rejectsWith(
      c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'updating', Timeout: 9, RevisionId: 'stale' })),
      'PreconditionFailedException',
      412,
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
    const upd = await c.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'updating', Timeout: 9, RevisionId: before.RevisionId }),
    );
    assert.equal(upd.LastUpdateStatus, 'InProgress');
    assert.equal(upd.Timeout, 9);
    assert.notEqual(upd.RevisionId, before.RevisionId);
    await waitUntilFunctionUpdatedV2(waitOpts(c), { FunctionName: 'updating' });

    const newCode = handlerZip('def handler(event, context):\n    return 2\n');
    const code = await c.send(new UpdateFunctionCodeCommand({ FunctionName: 'updating', ZipFile: newCode }));
    assert.equal(code.CodeSha256, sha(newCode));
    assert.equal(code.LastUpdateStatus, 'InProgress');
    await waitUntilFunctionUpdatedV2(waitOpts(c), { FunctionName: 'updating' });
    const dry = await c.send(new UpdateFunctionCodeCommand({ FunctionName: 'updating', ZipFile: CODE, DryRun: true }));
    assert.equal(dry.CodeSha256, sha(newCode));
    assert.equal(dry.LastUpdateStatus, 'Successful');
  });

  it('answers 409 while Pending and while an update is InProgress', async () => {
    const frozen = await withFrozenSandbox(['busy']);
    try {
      const fc = frozen.client();
      await fc.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'busy', Timeout: 4 }));
      const inProgress =
        'The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:busy';
      await rejectsWith(
        fc.send(new UpdateFunctionCodeCommand({ FunctionName: 'busy', ZipFile: CODE })),
        'ResourceConflictException',
        409,
        inProgress,
      );
      await rejectsWith(
        fc.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'busy', Timeout: 5 })),
        'ResourceConflictException',
        409,
        inProgress,
      );

      await fc.send(
        new CreateFunctionCommand({
          FunctionName: 'pending',
          Runtime: 'python3.12',
          Role: TEST_ROLE,
          Handler: 'lambda_function.handler',
          Code: { ZipFile: CODE },
        }),
      );
      const pending =
        'The operation cannot be performed at this time. The function is currently in the following state: Pending';
      await rejectsWith(
        fc.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'pending', Description: 'x' })),
        'ResourceConflictException',
        409,
        pending,
      );
      await rejectsWith(
        fc.send(new UpdateFunctionCodeCommand({ FunctionName: 'pending', ZipFile: CODE })),
        'ResourceConflictException',
        409,
        pending,
      );
    } finally {
      await frozen.close();
    }
  });

  it('enforces the layer rules with AWS messages', async () => {
    await create('layered');
    await waitUntilFunctionActiveV2(waitOpts(c), { FunctionName: 'layered' });
    const setLayers = (Layers: string[]) =>
      c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'layered', Layers }));
    await rejectsWith(
      setLayers(layerArns),
      'InvalidParameterValueException',
      400,
      'Cannot reference more than 5 layers.',
    );
    const v2 = await c.send(
      new PublishLayerVersionCommand({ LayerName: 'lib0', Content: { ZipFile: makeZip([{ name: 'x', data: '2' }]) } }),
    );
    await rejectsWith(
      setLayers([layerArns[0], v2.LayerVersionArn!]),
      'InvalidParameterValueException',
      400,
      `Two different versions of the same layer are not allowed to be referenced in the same function. ${layerArns[0]} and ${v2.LayerVersionArn} are versions of the same layer.`,
    );
    const missing = 'arn:aws:lambda:us-east-1:123456789012:layer:lib1:99';
    await rejectsWith(
      setLayers([missing]),
      'InvalidParameterValueException',
      400,
      `Layer version ${missing} does not exist.`,
    );
    await rejectsWith(
      create('bad-layers', { Layers: [missing] }),
      'InvalidParameterValueException',
      400,
      `Layer version ${missing} does not exist.`,
    );
    await rejectsWith(
      setLayers(['arn:aws:lambda:us-west-2:123456789012:layer:lib1:1']),
      'InvalidParameterValueException',
      400,
      /same region/,
    );
    await rejectsWith(setLayers(['not-an-arn']), 'ValidationException', 400);

    // Compatible runtimes/architectures are metadata only: a python3.9/arm64 layer attaches to a python3.12 x86_64 function.
    const other = await c.send(
      new PublishLayerVersionCommand({
        LayerName: 'old',
        Content: { ZipFile: makeZip([{ name: 'x', data: '' }]) },
        CompatibleRuntimes: ['python3.9'],
        CompatibleArchitectures: ['arm64'],
      }),
    );
    const five = [...layerArns.slice(0, 4), other.LayerVersionArn!];
    assert.deepEqual(
      (await setLayers(five)).Layers?.map((l) => l.Arn),
      five,
    );
    await waitUntilFunctionUpdatedV2(waitOpts(c), { FunctionName: 'layered' });

    // Deleting a layer version leaves functions using it as they are.
    await c.send(new DeleteLayerVersionCommand({ LayerName: 'old', VersionNumber: other.Version! }));
    assert.deepEqual(
      (await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'layered' }))).Layers?.map((l) => l.Arn),
      five,
    );

    const cleared = await setLayers([]);
    assert.equal(cleared.Layers, undefined);
  });

  it('validates configuration values', async () => {
    await rejectsWith(create('bad name!'), 'ValidationException', 400);
    await rejectsWith(create('x', { Role: 'not-a-role' }), 'ValidationException', 400, /role/);
    await rejectsWith(
      create('x', { Runtime: 'cobol85' as never }),
      'InvalidParameterValueException',
      400,
      /^Value cobol85 at 'runtime' failed to satisfy constraint/,
    );
    await rejectsWith(create('x', { MemorySize: 64 }), 'ValidationException', 400, /memorySize/);
    await rejectsWith(create('x', { Timeout: 901 }), 'InvalidParameterValueException', 400);
    await rejectsWith(
      create('x', { Environment: { Variables: { AWS_REGION: 'x' } } }),
      'InvalidParameterValueException',
      400,
      /Reserved keys used in this request: AWS_REGION/,
    );
    await rejectsWith(
      create('x', { Code: { ZipFile: Buffer.from('nope') } }),
      'InvalidParameterValueException',
      400,
      /Could not unzip/,
    );
  });

  it('deletes, then answers 404 everywhere', async () => {
    await create('short-lived');
    const del = await c.send(new DeleteFunctionCommand({ FunctionName: 'short-lived' }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    const nf = 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:short-lived';
    await rejectsWith(
      c.send(new DeleteFunctionCommand({ FunctionName: 'short-lived' })),
      'ResourceNotFoundException',
      404,
      nf,
    );
    await rejectsWith(
      c.send(new GetFunctionCommand({ FunctionName: 'short-lived' })),
      'ResourceNotFoundException',
      404,
      nf,
    );
    await rejectsWith(
      c.send(new GetFunctionConfigurationCommand({ FunctionName: 'short-lived' })),
      'ResourceNotFoundException',
      404,
      nf,
    );
    await rejectsWith(
      c.send(new UpdateFunctionCodeCommand({ FunctionName: 'short-lived', ZipFile: CODE })),
      'ResourceNotFoundException',
      404,
      nf,
    );
    await rejectsWith(
      c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'short-lived', Timeout: 3 })),
      'ResourceNotFoundException',
      404,
      nf,
    );
  });

  it('pages 120 functions at most 50 at a time, without State fields, no marker on the last page', async () => {
    const names = Array.from({ length: 120 }, (_, i) => `paged-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 12) await Promise.all(names.slice(i, i + 12).map((n) => create(n)));

    const first = await c.send(new ListFunctionsCommand({ MaxItems: 1000 }));
    assert.equal(first.Functions?.length, 50);
    assert.ok(first.NextMarker);
    assert.equal(first.Functions?.[0].State, undefined);
    assert.equal(first.Functions?.[0].LastUpdateStatus, undefined);

    const seen: string[] = [];
    const sizes: number[] = [];
    let lastPage: { NextMarker?: string } = {};
    for await (const page of paginateListFunctions({ client: c, pageSize: 50 }, {})) {
      sizes.push(page.Functions?.length ?? 0);
      seen.push(...(page.Functions ?? []).map((f) => f.FunctionName!));
      lastPage = page;
    }
    assert.equal(lastPage.NextMarker, undefined);
    assert.ok(sizes.every((s) => s <= 50));
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual(
      seen.filter((n) => n.startsWith('paged-')),
      names,
    );
    await rejectsWith(c.send(new ListFunctionsCommand({ MaxItems: 0 })), 'ValidationException', 400);
  });
});
