// The same endpoint through the AWS CLI (botocore), a second independent client implementation.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { CreateFunctionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import {
  TEST_ROLE,
  awsCli,
  cliFails,
  cliJson,
  handlerZip,
  pythonPackageLayer,
  withFrozenSandbox,
  withSandbox,
  type TestSandbox,
} from '../../helpers/sandbox';

const HANDLER =
  'import mypkg\ndef handler(event, context):\n    print("cli log line")\n    return {"v": mypkg.__version__, "event": event}\n';

describe('AWS CLI conformance', () => {
  let sb: TestSandbox;
  let dir: string;
  const cli = (...args: string[]) => awsCli(sb.url, args, dir);
  const ok = cliJson;
  const fails = cliFails;

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 100 });
    dir = sb.dataDir;
    await fs.writeFile(join(dir, 'layer.zip'), pythonPackageLayer('mypkg', '4.5.6'));
    await fs.writeFile(join(dir, 'code.zip'), handlerZip(HANDLER));
    await fs.writeFile(
      join(dir, 'code2.zip'),
      handlerZip(HANDLER.replace('"event": event', '"event": event, "two": True')),
    );
  });
  after(() => sb.close());

  it('layers: publish, list, get, get by ARN, delete', async () => {
    const v = ok(
      await cli(
        'publish-layer-version',
        '--layer-name',
        'cli-layer',
        '--zip-file',
        'fileb://layer.zip',
        '--compatible-runtimes',
        'python3.12',
        '--description',
        'from cli',
      ),
    );
    assert.equal(v.Version, 1);
    assert.equal(v.Description, 'from cli');
    const [layers, versions, got, byArn] = await Promise.all([
      cli('list-layers', '--compatible-runtime', 'python3.12'),
      cli('list-layer-versions', '--layer-name', 'cli-layer'),
      cli('get-layer-version', '--layer-name', 'cli-layer', '--version-number', '1'),
      cli('get-layer-version-by-arn', '--arn', v.LayerVersionArn),
    ]);
    assert.equal(ok(layers).Layers[0].LatestMatchingVersion.LayerVersionArn, v.LayerVersionArn);
    assert.deepEqual(
      ok(versions).LayerVersions.map((x: { Version: number }) => x.Version),
      [1],
    );
    assert.equal(ok(got).Content.CodeSha256, v.Content.CodeSha256);
    assert.equal(ok(byArn).LayerVersionArn, v.LayerVersionArn);

    const [del, missing, zero] = await Promise.all([
      cli('delete-layer-version', '--layer-name', 'cli-layer', '--version-number', '1'),
      cli('get-layer-version', '--layer-name', 'nope', '--version-number', '1'),
      cli('get-layer-version', '--layer-name', 'nope', '--version-number', '0'),
    ]);
    ok(del);
    fails(missing, 'ResourceNotFoundException', 'The resource you requested does not exist.');
    fails(zero, 'InvalidParameterValueException');
  });

  it('functions: create, wait, get, update, invoke with log tail, delete; with AWS errors', async () => {
    const layer = ok(await cli('publish-layer-version', '--layer-name', 'cli-dep', '--zip-file', 'fileb://layer.zip'));
    const created = ok(
      await cli(
        'create-function',
        '--function-name',
        'cli-fn',
        '--runtime',
        'python3.12',
        '--role',
        TEST_ROLE,
        '--handler',
        'lambda_function.handler',
        '--zip-file',
        'fileb://code.zip',
        '--layers',
        layer.LayerVersionArn,
        '--timeout',
        '5',
      ),
    );
    assert.equal(created.State, 'Pending');
    fails(
      await cli(
        'create-function',
        '--function-name',
        'cli-fn',
        '--runtime',
        'python3.12',
        '--role',
        TEST_ROLE,
        '--handler',
        'x.y',
        '--zip-file',
        'fileb://code.zip',
      ),
      'ResourceConflictException',
      'Function already exist: cli-fn',
    );
    ok(await cli('wait', 'function-active-v2', '--function-name', 'cli-fn'));

    const inv = ok(
      await cli(
        'invoke',
        '--function-name',
        'cli-fn',
        '--payload',
        '{"hello": "cli"}',
        '--log-type',
        'Tail',
        'out.json',
      ),
    );
    assert.equal(inv.StatusCode, 200);
    assert.equal(inv.ExecutedVersion, '$LATEST');
    assert.match(Buffer.from(inv.LogResult, 'base64').toString(), /cli log line\nEND RequestId/);
    assert.deepEqual(JSON.parse(await fs.readFile(join(dir, 'out.json'), 'utf8')), {
      v: '4.5.6',
      event: { hello: 'cli' },
    });

    const missingVersion = layer.LayerVersionArn.replace(/:1$/, ':99');
    const [fn, conf, badPayload, ev, dry, twoVersions, noVersion] = await Promise.all([
      cli('get-function', '--function-name', 'cli-fn'),
      cli('get-function-configuration', '--function-name', 'cli-fn'),
      cli('invoke', '--function-name', 'cli-fn', '--payload', 'not json', 'bad.json'),
      cli('invoke', '--function-name', 'cli-fn', '--invocation-type', 'Event', '--payload', '{}', 'ev.json'),
      cli('invoke', '--function-name', 'cli-fn', '--invocation-type', 'DryRun', '--payload', '{}', 'dry.json'),
      cli(
        'update-function-configuration',
        '--function-name',
        'cli-fn',
        '--layers',
        layer.LayerVersionArn,
        layer.LayerVersionArn.replace(/:1$/, ':2'),
      ),
      cli('update-function-configuration', '--function-name', 'cli-fn', '--layers', missingVersion),
    ]);
    fails(
      twoVersions,
      'InvalidParameterValueException',
      'Two different versions of the same layer are not allowed to be referenced in the same function.',
    );
    fails(noVersion, 'InvalidParameterValueException', `Layer version ${missingVersion} does not exist.`);
    assert.equal(ok(fn).Configuration.Layers[0].Arn, layer.LayerVersionArn);
    assert.equal(ok(fn).Code.RepositoryType, 'S3');
    const revision = ok(conf).RevisionId as string;
    fails(badPayload, 'InvalidRequestContentException', 'Could not parse request body into json');
    assert.equal(ok(ev).StatusCode, 202);
    assert.equal(ok(dry).StatusCode, 204);

    fails(
      await cli(
        'update-function-configuration',
        '--function-name',
        'cli-fn',
        '--timeout',
        '6',
        '--revision-id',
        'stale',
      ),
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id',
    );
    const upd = ok(
      await cli(
        'update-function-configuration',
        '--function-name',
        'cli-fn',
        '--timeout',
        '6',
        '--revision-id',
        revision,
      ),
    );
    assert.equal(upd.LastUpdateStatus, 'InProgress');
    ok(await cli('wait', 'function-updated-v2', '--function-name', 'cli-fn'));
    const code = ok(await cli('update-function-code', '--function-name', 'cli-fn', '--zip-file', 'fileb://code2.zip'));
    assert.equal(code.LastUpdateStatus, 'InProgress');
    assert.notEqual(code.CodeSha256, created.CodeSha256);

    const six = Array.from({ length: 6 }, (_, i) => layer.LayerVersionArn.replace(/cli-dep:1$/, `l${i}:1`));
    fails(
      await cli('update-function-configuration', '--function-name', 'cli-fn', '--layers', ...six),
      'InvalidParameterValueException',
      'Cannot reference more than 5 layers.',
    );

    ok(await cli('delete-function', '--function-name', 'cli-fn'));
    const [gone, goneInvoke] = await Promise.all([
      cli('get-function', '--function-name', 'cli-fn'),
      cli('invoke', '--function-name', 'cli-fn', 'x.json'),
    ]);
    fails(
      gone,
      'ResourceNotFoundException',
      'Function not found: arn:aws:lambda:us-east-1:123456789012:function:cli-fn',
    );
    fails(goneInvoke, 'ResourceNotFoundException');
  });

  it('answers 409 while Pending or while an update is InProgress', async () => {
    const slow = await withFrozenSandbox(['busy']);
    try {
      const client = slow.client();
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'busy', Timeout: 4 }));
      await client.send(
        new CreateFunctionCommand({
          FunctionName: 'pending',
          Runtime: 'python3.12',
          Role: TEST_ROLE,
          Handler: 'lambda_function.handler',
          Code: { ZipFile: handlerZip('') },
        }),
      );
      const slowCli = (...args: string[]) => awsCli(slow.url, args, dir);
      const [pendingInvoke, pendingUpdate, busyCode] = await Promise.all([
        slowCli('invoke', '--function-name', 'pending', 'out-pending.json'),
        slowCli('update-function-configuration', '--function-name', 'pending', '--timeout', '5'),
        slowCli('update-function-code', '--function-name', 'busy', '--zip-file', 'fileb://code2.zip'),
      ]);
      const pendingMessage =
        'The operation cannot be performed at this time. The function is currently in the following state: Pending';
      fails(pendingInvoke, 'ResourceConflictException', pendingMessage);
      fails(pendingUpdate, 'ResourceConflictException', pendingMessage);
      fails(
        busyCode,
        'ResourceConflictException',
        'An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:busy',
      );
    } finally {
      await slow.close();
    }
  });

  it('list-functions: auto-pagination over 120 functions, --max-items and --starting-token', async () => {
    const client = sb.client();
    const zip = handlerZip('def handler(e, c):\n    return 1\n');
    const names = Array.from({ length: 120 }, (_, i) => `cli-page-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 12) {
      await Promise.all(
        names.slice(i, i + 12).map((n) =>
          client.send(
            new CreateFunctionCommand({
              FunctionName: n,
              Runtime: 'python3.12',
              Role: TEST_ROLE,
              Handler: 'lambda_function.handler',
              Code: { ZipFile: zip },
            }),
          ),
        ),
      );
    }
    const [all, first] = await Promise.all([
      cli('list-functions', '--page-size', '50'),
      cli('list-functions', '--max-items', '70'),
    ]);
    const listed = ok(all);
    assert.deepEqual(
      listed.Functions.map((f: { FunctionName: string }) => f.FunctionName).filter((n: string) =>
        n.startsWith('cli-page-'),
      ),
      names,
    );
    assert.equal(listed.NextToken, undefined);
    const page1 = ok(first);
    assert.equal(page1.Functions.length, 70);
    assert.ok(page1.NextToken);
    const page2 = ok(await cli('list-functions', '--starting-token', page1.NextToken));
    const together = [...page1.Functions, ...page2.Functions].map((f: { FunctionName: string }) => f.FunctionName);
    assert.equal(new Set(together).size, together.length);
    assert.deepEqual(
      together.filter((n) => n.startsWith('cli-page-')),
      names,
    );
  });
});
