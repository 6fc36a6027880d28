// Versions and aliases on the local endpoint through the AWS SDK: what a version pins, AWS's preconditions,
// routing validation, qualified reads, invokes and deletes, paging, persistence and layer deletion.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  DeleteLayerVersionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  paginateListVersionsByFunction,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  TEST_ROLE,
  createActiveFunction,
  handlerZip,
  pythonPackageLayer,
  rejectsWith,
  withFrozenSandbox,
  withSandbox,
  type TestSandbox,
} from '../../helpers/sandbox';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function';
const handler = (tag: string) =>
  handlerZip(`import mypkg\ndef handler(event, context):\n    return {"tag": "${tag}", "pkg": mypkg.__version__}\n`);
const payload = (b: Uint8Array | undefined) =>
  JSON.parse(Buffer.from(b ?? []).toString('utf8')) as { tag: string; pkg: string };

describe('Versions and aliases over the AWS SDK', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  const settle = (name: string) =>
    waitUntilFunctionUpdatedV2({ client: c, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 } as never, {
      FunctionName: name,
    });
  const layer = async (version: string) =>
    (
      await c.send(
        new PublishLayerVersionCommand({
          LayerName: 'vpkg',
          Content: { ZipFile: pythonPackageLayer('mypkg', version) },
        }),
      )
    ).LayerVersionArn!;

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 20 });
    c = sb.client();
  });
  after(() => sb.close());

  it('a version pins code, configuration and layers; invoking it runs what it pinned after $LATEST moved on', async () => {
    const l1 = await layer('1.0.0');
    await createActiveFunction(c, {
      FunctionName: 'pin',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handler('one') },
      Layers: [l1],
    });
    const v1 = await c.send(new PublishVersionCommand({ FunctionName: 'pin', Description: 'first' }));
    assert.equal(v1.$metadata.httpStatusCode, 201);
    assert.equal(v1.Version, '1');
    assert.equal(v1.FunctionArn, `${ARN}:pin:1`);
    assert.equal(v1.Description, 'first');
    assert.deepEqual(
      v1.Layers?.map((l) => l.Arn),
      [l1],
    );

    // Unchanged $LATEST published again: the same version, as AWS does.
    const again = await c.send(new PublishVersionCommand({ FunctionName: 'pin' }));
    assert.equal(again.Version, '1');

    const l2 = await layer('2.0.0');
    await c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'pin', Layers: [l2], Timeout: 7 }));
    await settle('pin');
    await c.send(new UpdateFunctionCodeCommand({ FunctionName: 'pin', ZipFile: handler('two') }));
    await settle('pin');
    const v2 = await c.send(new PublishVersionCommand({ FunctionName: 'pin' }));
    assert.equal(v2.Version, '2');
    assert.equal(v2.Timeout, 7);
    assert.equal(v2.Description, '', 'the function description, as no other was given');

    const [r1, r2, latest] = await Promise.all(
      ['1', '2', undefined].map((q) => c.send(new InvokeCommand({ FunctionName: 'pin', Qualifier: q }))),
    );
    assert.deepEqual(payload(r1.Payload), { tag: 'one', pkg: '1.0.0' });
    assert.equal(r1.ExecutedVersion, '1');
    assert.deepEqual(payload(r2.Payload), { tag: 'two', pkg: '2.0.0' });
    assert.equal(r2.ExecutedVersion, '2');
    assert.equal(latest.ExecutedVersion, '$LATEST');

    // Qualified ARNs and Qualifier agree on the version they name.
    const byArn = await c.send(new GetFunctionConfigurationCommand({ FunctionName: `${ARN}:pin:1` }));
    assert.equal(byArn.Version, '1');
    assert.equal(byArn.Timeout, 3);
    assert.deepEqual(
      byArn.Layers?.map((l) => l.Arn),
      [l1],
    );
    const got = await c.send(new GetFunctionCommand({ FunctionName: 'pin', Qualifier: '2' }));
    assert.equal(got.Configuration?.FunctionArn, `${ARN}:pin:2`);
    assert.equal(got.Configuration?.CodeSha256, v2.CodeSha256);
    assert.equal(got.Configuration?.State, 'Active');
    await rejectsWith(
      c.send(new GetFunctionConfigurationCommand({ FunctionName: 'pin', Qualifier: '9' })),
      'ResourceNotFoundException',
      404,
      `Function not found: ${ARN}:pin:9`,
    );
    await rejectsWith(
      c.send(new InvokeCommand({ FunctionName: 'pin:nope' })),
      'ResourceNotFoundException',
      404,
      `Function not found: ${ARN}:pin:nope`,
    );

    // Deleting the layer versions changes nothing for the versions pinning them (their zips stay).
    await c.send(new DeleteLayerVersionCommand({ LayerName: 'vpkg', VersionNumber: 1 }));
    assert.deepEqual(payload((await c.send(new InvokeCommand({ FunctionName: 'pin', Qualifier: '1' }))).Payload), {
      tag: 'one',
      pkg: '1.0.0',
    });
  });

  it('PublishVersion preconditions: CodeSha256, RevisionId, an update in progress, an unknown function', async () => {
    await createActiveFunction(c, {
      FunctionName: 'pre',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handler('p') },
      Layers: [await layer('3.0.0')],
    });
    const conf = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'pre' }));
    await rejectsWith(
      c.send(new PublishVersionCommand({ FunctionName: 'pre', CodeSha256: 'AAAA' })),
      'InvalidParameterValueException',
      400,
      `CodeSHA256 (AAAA) is different from current CodeSHA256 in $LATEST (${conf.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
    );
    await rejectsWith(
      c.send(new PublishVersionCommand({ FunctionName: 'pre', RevisionId: 'stale' })),
      'PreconditionFailedException',
      412,
    );
    const ok = await c.send(
      new PublishVersionCommand({ FunctionName: 'pre', CodeSha256: conf.CodeSha256, RevisionId: conf.RevisionId }),
    );
    assert.equal(ok.Version, '1');
    await rejectsWith(
      c.send(new PublishVersionCommand({ FunctionName: 'absent' })),
      'ResourceNotFoundException',
      404,
      `Function not found: ${ARN}:absent`,
    );
  });

  it('PublishVersion while an update is in progress: 409', async () => {
    const frozen = await withFrozenSandbox(['busy']);
    try {
      const fc = frozen.client();
      await fc.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'busy', Timeout: 9 }));
      await rejectsWith(
        fc.send(new PublishVersionCommand({ FunctionName: 'busy' })),
        'ResourceConflictException',
        409,
        `The operation cannot be performed at this time. An update is in progress for resource: ${ARN}:busy`,
      );
    } finally {
      await frozen.close();
    }
  });

  it('Publish=true on UpdateFunctionCode answers with the new version; ListVersionsByFunction pages; ListFunctions ALL lists versions', async () => {
    await createActiveFunction(c, {
      FunctionName: 'paged',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handler('0') },
      Layers: [await layer('4.0.0')],
      Publish: true,
    });
    for (let i = 1; i <= 3; i++) {
      const updated = await c.send(
        new UpdateFunctionCodeCommand({ FunctionName: 'paged', ZipFile: handler(String(i)), Publish: true }),
      );
      assert.equal(updated.Version, String(i + 1));
      assert.equal(updated.FunctionArn, `${ARN}:paged:${i + 1}`);
      await settle('paged');
    }
    const seen: string[] = [];
    for await (const page of paginateListVersionsByFunction({ client: c, pageSize: 2 }, { FunctionName: 'paged' })) {
      assert.ok((page.Versions?.length ?? 0) <= 2);
      seen.push(...(page.Versions ?? []).map((v) => `${v.Version} ${v.FunctionArn!.slice(ARN.length + 1)}`));
    }
    assert.deepEqual(seen, ['$LATEST paged:$LATEST', '1 paged:1', '2 paged:2', '3 paged:3', '4 paged:4']);

    const all: string[] = [];
    let marker: string | undefined;
    do {
      const page = await c.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 3, Marker: marker }));
      all.push(
        ...(page.Functions ?? [])
          .filter((f) => f.FunctionName === 'paged')
          .map((f) => f.FunctionArn!.slice(ARN.length + 1)),
      );
      marker = page.NextMarker;
    } while (marker);
    assert.deepEqual(all, ['paged:$LATEST', 'paged:1', 'paged:2', 'paged:3', 'paged:4']);
    const plain = await c.send(new ListFunctionsCommand({}));
    assert.deepEqual(
      plain.Functions?.filter((f) => f.FunctionName === 'paged').map((f) => f.FunctionArn),
      [`${ARN}:paged`],
    );
  });

  it('aliases: create, get, update with routing, list, invoke, delete; AWS validation of the routing', async () => {
    await createActiveFunction(c, {
      FunctionName: 'al',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handler('a1') },
      Layers: [await layer('5.0.0')],
    });
    await c.send(new PublishVersionCommand({ FunctionName: 'al' }));
    await c.send(new UpdateFunctionCodeCommand({ FunctionName: 'al', ZipFile: handler('a2') }));
    await settle('al');
    await c.send(new PublishVersionCommand({ FunctionName: 'al' }));

    const live = await c.send(
      new CreateAliasCommand({ FunctionName: 'al', Name: 'live', FunctionVersion: '1', Description: 'prod' }),
    );
    assert.equal(live.$metadata.httpStatusCode, 201);
    assert.equal(live.AliasArn, `${ARN}:al:live`);
    assert.equal(live.RoutingConfig, undefined);
    await rejectsWith(
      c.send(new CreateAliasCommand({ FunctionName: 'al', Name: 'live', FunctionVersion: '1' })),
      'ResourceConflictException',
      409,
      `Alias already exists: ${ARN}:al:live`,
    );
    await rejectsWith(
      c.send(new CreateAliasCommand({ FunctionName: 'al', Name: 'x', FunctionVersion: '7' })),
      'ResourceNotFoundException',
      404,
      `Function not found: ${ARN}:al:7`,
    );
    await rejectsWith(
      c.send(new CreateAliasCommand({ FunctionName: 'al', Name: '123', FunctionVersion: '1' })),
      'ValidationException',
      400,
    );

    const routing = (weights: Record<string, number>, version = '1') =>
      c.send(
        new UpdateAliasCommand({
          FunctionName: 'al',
          Name: 'live',
          FunctionVersion: version,
          RoutingConfig: { AdditionalVersionWeights: weights },
        }),
      );
    await rejectsWith(
      routing({ 2: 0.5, 3: 0.1 }),
      'InvalidParameterValueException',
      400,
      'Number of items in AdditionalVersionWeights cannot be greater than 1',
    );
    await rejectsWith(routing({ 2: 1.5 }), 'ValidationException', 400);
    await rejectsWith(
      routing({ 1: 0.5 }),
      'InvalidParameterValueException',
      400,
      'Invalid function version 1. Function version 1 is already included in routing configuration.',
    );
    await rejectsWith(
      routing({ 2: 0.5 }, '$LATEST'),
      'InvalidParameterValueException',
      400,
      '$LATEST is not supported for an alias pointing to more than 1 version',
    );
    await rejectsWith(routing({ 9: 0.5 }), 'ResourceNotFoundException', 404, `Function not found: ${ARN}:al:9`);

    const before = await c.send(new GetAliasCommand({ FunctionName: 'al', Name: 'live' }));
    await rejectsWith(
      c.send(new UpdateAliasCommand({ FunctionName: 'al', Name: 'live', Description: 'x', RevisionId: 'stale' })),
      'PreconditionFailedException',
      412,
    );
    const canary = await c.send(
      new UpdateAliasCommand({
        FunctionName: 'al',
        Name: 'live',
        RoutingConfig: { AdditionalVersionWeights: { 2: 1 } },
        RevisionId: before.RevisionId,
      }),
    );
    assert.deepEqual(canary.RoutingConfig, { AdditionalVersionWeights: { 2: 1 } });
    assert.equal(canary.Description, 'prod');
    assert.notEqual(canary.RevisionId, before.RevisionId);
    // Weight 1: every invocation of the alias goes to version 2.
    const routed = await c.send(new InvokeCommand({ FunctionName: `${ARN}:al:live` }));
    assert.equal(routed.ExecutedVersion, '2');
    assert.deepEqual(payload(routed.Payload), { tag: 'a2', pkg: '5.0.0' });

    await c.send(
      new UpdateAliasCommand({ FunctionName: 'al', Name: 'live', RoutingConfig: { AdditionalVersionWeights: {} } }),
    );
    const direct = await c.send(new InvokeCommand({ FunctionName: 'al', Qualifier: 'live' }));
    assert.equal(direct.ExecutedVersion, '1');
    const viaAlias = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'al:live' }));
    assert.equal(viaAlias.FunctionArn, `${ARN}:al:live`);
    assert.equal(viaAlias.Version, '1');

    await c.send(new CreateAliasCommand({ FunctionName: 'al', Name: 'beta', FunctionVersion: '2' }));
    await c.send(new CreateAliasCommand({ FunctionName: 'al', Name: 'edge', FunctionVersion: '$LATEST' }));
    const names = (await c.send(new ListAliasesCommand({ FunctionName: 'al' }))).Aliases?.map((a) => a.Name);
    assert.deepEqual(names, ['beta', 'edge', 'live']);
    const onTwo = await c.send(new ListAliasesCommand({ FunctionName: 'al', FunctionVersion: '2' }));
    assert.deepEqual(
      onTwo.Aliases?.map((a) => a.Name),
      ['beta'],
    );
    const page1 = await c.send(new ListAliasesCommand({ FunctionName: 'al', MaxItems: 2 }));
    const page2 = await c.send(new ListAliasesCommand({ FunctionName: 'al', MaxItems: 2, Marker: page1.NextMarker }));
    assert.deepEqual(
      [...page1.Aliases!, ...page2.Aliases!].map((a) => a.Name),
      ['beta', 'edge', 'live'],
    );
    assert.equal(page2.NextMarker, undefined);

    // A version an alias points at stays; once the alias is gone it can be deleted. Deletes are idempotent.
    await rejectsWith(
      c.send(new DeleteFunctionCommand({ FunctionName: 'al', Qualifier: '2' })),
      'ResourceConflictException',
      409,
    );
    await c.send(new DeleteAliasCommand({ FunctionName: 'al', Name: 'beta' }));
    await c.send(new DeleteAliasCommand({ FunctionName: 'al', Name: 'beta' }));
    await rejectsWith(
      c.send(new GetAliasCommand({ FunctionName: 'al', Name: 'beta' })),
      'ResourceNotFoundException',
      404,
      `Cannot find alias arn: ${ARN}:al:beta`,
    );
    await c.send(new DeleteFunctionCommand({ FunctionName: 'al', Qualifier: '2' }));
    await c.send(new DeleteFunctionCommand({ FunctionName: 'al', Qualifier: '2' }));
    const left = await c.send(new ListVersionsByFunctionCommand({ FunctionName: 'al' }));
    assert.deepEqual(
      left.Versions?.map((v) => v.Version),
      ['$LATEST', '1'],
    );
    // Numbers are never reused.
    await c.send(new UpdateFunctionCodeCommand({ FunctionName: 'al', ZipFile: handler('a3') }));
    await settle('al');
    assert.equal((await c.send(new PublishVersionCommand({ FunctionName: 'al' }))).Version, '3');

    await c.send(new DeleteFunctionCommand({ FunctionName: 'al' }));
    await rejectsWith(c.send(new ListAliasesCommand({ FunctionName: 'al' })), 'ResourceNotFoundException', 404);
  });

  it("a version's handler knows which version runs and the ARN it was invoked by", async () => {
    const source =
      'def handler(event, context):\n    return {"version": context.function_version, "arn": context.invoked_function_arn}\n';
    await createActiveFunction(c, {
      FunctionName: 'ctx',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handlerZip(source) },
      Publish: true,
    });
    await c.send(new CreateAliasCommand({ FunctionName: 'ctx', Name: 'live', FunctionVersion: '1' }));
    const r = await c.send(new InvokeCommand({ FunctionName: 'ctx', Qualifier: 'live', LogType: 'Tail' }));
    assert.deepEqual(JSON.parse(Buffer.from(r.Payload!).toString()), { version: '1', arn: `${ARN}:ctx:live` });
    assert.match(Buffer.from(r.LogResult!, 'base64').toString(), /^START RequestId: \S+ Version: 1$/m);
  });

  it('versions and aliases survive a restart', async () => {
    const dataDir = sb.dataDir;
    const first = await withSandbox({ updateDelayMs: 20, dataDir: `${dataDir}-restart` });
    const c1 = first.client();
    await createActiveFunction(c1, {
      FunctionName: 'kept',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handlerZip('def handler(e, c):\n    return 1\n') },
      Publish: true,
    });
    await c1.send(new CreateAliasCommand({ FunctionName: 'kept', Name: 'live', FunctionVersion: '1' }));
    await first.close();
    const second = await withSandbox({ updateDelayMs: 20, dataDir: `${dataDir}-restart` });
    try {
      const c2 = second.client();
      assert.deepEqual(
        (await c2.send(new ListVersionsByFunctionCommand({ FunctionName: 'kept' }))).Versions?.map((v) => v.Version),
        ['$LATEST', '1'],
      );
      assert.equal((await c2.send(new GetAliasCommand({ FunctionName: 'kept', Name: 'live' }))).FunctionVersion, '1');
      assert.equal(
        (await c2.send(new InvokeCommand({ FunctionName: 'kept', Qualifier: 'live' }))).ExecutedVersion,
        '1',
      );
    } finally {
      await second.close();
      const { rm } = await import('node:fs/promises');
      await rm(`${dataDir}-restart`, { recursive: true, force: true });
    }
  });
});
