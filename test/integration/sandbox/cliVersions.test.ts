// Versions and aliases on the local endpoint through the AWS CLI (botocore): a second, independent client.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  TEST_ROLE,
  awsCli,
  cliFails,
  cliJson,
  handlerZip,
  pythonPackageLayer,
  withSandbox,
  type TestSandbox,
} from '../../helpers/sandbox';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:cli-v';
const HANDLER = 'import mypkg\ndef handler(event, context):\n    return {"tag": "TAG", "pkg": mypkg.__version__}\n';

describe('AWS CLI: versions and aliases', () => {
  let sb: TestSandbox;
  let dir: string;
  const cli = (...args: string[]) => awsCli(sb.url, args, dir);
  const ok = cliJson;
  const fails = cliFails;
  const invoked = async (file: string, ...args: string[]) => {
    const meta = ok(await cli('invoke', '--function-name', 'cli-v', ...args, file));
    return {
      version: meta.ExecutedVersion as string,
      body: JSON.parse(await fs.readFile(join(dir, file), 'utf8')) as { tag: string; pkg: string },
    };
  };

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 50 });
    dir = sb.dataDir;
    await fs.writeFile(join(dir, 'l1.zip'), pythonPackageLayer('mypkg', '1.0.0'));
    await fs.writeFile(join(dir, 'l2.zip'), pythonPackageLayer('mypkg', '2.0.0'));
    await fs.writeFile(join(dir, 'one.zip'), handlerZip(HANDLER.replace('TAG', 'one')));
    await fs.writeFile(join(dir, 'two.zip'), handlerZip(HANDLER.replace('TAG', 'two')));
  });
  after(() => sb.close());

  it('publish-version, create-alias, update-alias with routing, invoke --qualifier, list-versions-by-function, list-aliases, delete', async () => {
    const l1 = ok(await cli('publish-layer-version', '--layer-name', 'cli-vpkg', '--zip-file', 'fileb://l1.zip'))
      .LayerVersionArn as string;
    const l2 = ok(await cli('publish-layer-version', '--layer-name', 'cli-vpkg', '--zip-file', 'fileb://l2.zip'))
      .LayerVersionArn as string;
    const created = ok(
      await cli(
        'create-function',
        '--function-name',
        'cli-v',
        '--runtime',
        'python3.12',
        '--role',
        TEST_ROLE,
        '--handler',
        'lambda_function.handler',
        '--zip-file',
        'fileb://one.zip',
        '--layers',
        l1,
        '--publish',
      ),
    );
    assert.equal(created.Version, '1');
    ok(await cli('wait', 'function-active-v2', '--function-name', 'cli-v'));
    ok(await cli('wait', 'published-version-active', '--function-name', 'cli-v', '--qualifier', '1'));

    ok(await cli('update-function-configuration', '--function-name', 'cli-v', '--layers', l2));
    ok(await cli('wait', 'function-updated-v2', '--function-name', 'cli-v'));
    ok(await cli('update-function-code', '--function-name', 'cli-v', '--zip-file', 'fileb://two.zip'));
    ok(await cli('wait', 'function-updated-v2', '--function-name', 'cli-v'));
    const latest = ok(await cli('get-function-configuration', '--function-name', 'cli-v'));
    fails(
      await cli('publish-version', '--function-name', 'cli-v', '--code-sha256', 'AAAA'),
      'InvalidParameterValueException',
      `CodeSHA256 (AAAA) is different from current CodeSHA256 in $LATEST (${latest.CodeSha256 as string})`,
    );
    const v2 = ok(
      await cli(
        'publish-version',
        '--function-name',
        'cli-v',
        '--code-sha256',
        latest.CodeSha256,
        '--description',
        'second',
      ),
    );
    assert.equal(v2.Version, '2');
    assert.equal(v2.FunctionArn, `${ARN}:2`);
    assert.deepEqual(
      v2.Layers.map((l: { Arn: string }) => l.Arn),
      [l2],
    );
    assert.equal(
      ok(await cli('publish-version', '--function-name', 'cli-v')).Version,
      '2',
      'unchanged $LATEST: the same version',
    );

    const alias = ok(
      await cli(
        'create-alias',
        '--function-name',
        'cli-v',
        '--name',
        'live',
        '--function-version',
        '1',
        '--description',
        'prod',
      ),
    );
    assert.equal(alias.AliasArn, `${ARN}:live`);
    fails(
      await cli(
        'create-alias',
        '--function-name',
        'cli-v',
        '--name',
        'bad',
        '--function-version',
        '$LATEST',
        '--routing-config',
        'AdditionalVersionWeights={2=0.5}',
      ),
      'InvalidParameterValueException',
      '$LATEST is not supported for an alias pointing to more than 1 version',
    );
    fails(
      await cli(
        'update-alias',
        '--function-name',
        'cli-v',
        '--name',
        'live',
        '--routing-config',
        'AdditionalVersionWeights={1=0.5}',
      ),
      'InvalidParameterValueException',
      'Invalid function version 1. Function version 1 is already included in routing configuration.',
    );
    const canary = ok(
      await cli(
        'update-alias',
        '--function-name',
        'cli-v',
        '--name',
        'live',
        '--routing-config',
        'AdditionalVersionWeights={2=1.0}',
      ),
    );
    assert.deepEqual(canary.RoutingConfig, { AdditionalVersionWeights: { 2: 1 } });

    const [byVersion, byAlias, byArn, onLatest] = await Promise.all([
      invoked('v1.json', '--qualifier', '1'),
      invoked('live.json', '--qualifier', 'live'),
      awsCli(sb.url, ['invoke', '--function-name', `${ARN}:2`, 'arn.json'], dir).then(ok),
      invoked('latest.json'),
    ]);
    assert.deepEqual(byVersion, { version: '1', body: { tag: 'one', pkg: '1.0.0' } });
    assert.deepEqual(
      byAlias,
      { version: '2', body: { tag: 'two', pkg: '2.0.0' } },
      'weight 1.0 sends every call to version 2',
    );
    assert.equal(byArn.ExecutedVersion, '2');
    assert.equal(onLatest.version, '$LATEST');

    const versions = ok(await cli('list-versions-by-function', '--function-name', 'cli-v'));
    assert.deepEqual(
      versions.Versions.map((v: { Version: string }) => v.Version),
      ['$LATEST', '1', '2'],
    );
    const paged = ok(await cli('list-versions-by-function', '--function-name', 'cli-v', '--max-items', '2'));
    assert.equal(paged.Versions.length, 2);
    assert.ok(paged.NextToken);
    const all = ok(await cli('list-functions', '--function-version', 'ALL'));
    assert.deepEqual(
      all.Functions.map((f: { FunctionArn: string }) => f.FunctionArn),
      [`${ARN}:$LATEST`, `${ARN}:1`, `${ARN}:2`],
    );
    const aliases = ok(await cli('list-aliases', '--function-name', 'cli-v'));
    assert.deepEqual(
      aliases.Aliases.map((a: { Name: string; FunctionVersion: string }) => `${a.Name}=${a.FunctionVersion}`),
      ['live=1'],
    );
    const got = ok(await cli('get-function', '--function-name', 'cli-v', '--qualifier', 'live'));
    assert.equal(got.Configuration.FunctionArn, `${ARN}:live`);
    assert.equal(got.Configuration.Version, '1');

    fails(
      await cli('delete-function', '--function-name', 'cli-v', '--qualifier', '1'),
      'ResourceConflictException',
      'the following aliases reference it: [live]',
    );
    fails(
      await cli('delete-function', '--function-name', 'cli-v', '--qualifier', '$LATEST'),
      'InvalidParameterValueException',
      '$LATEST version cannot be deleted without deleting the function',
    );
    ok(await cli('delete-alias', '--function-name', 'cli-v', '--name', 'live'));
    fails(
      await cli('get-alias', '--function-name', 'cli-v', '--name', 'live'),
      'ResourceNotFoundException',
      `Cannot find alias arn: ${ARN}:live`,
    );
    ok(await cli('delete-function', '--function-name', `${ARN}:1`));
    assert.deepEqual(
      ok(await cli('list-versions-by-function', '--function-name', 'cli-v')).Versions.map(
        (v: { Version: string }) => v.Version,
      ),
      ['$LATEST', '2'],
    );
    ok(await cli('delete-function', '--function-name', 'cli-v'));
    fails(
      await cli('get-function', '--function-name', 'cli-v', '--qualifier', '2'),
      'ResourceNotFoundException',
      `Function not found: ${ARN}:2`,
    );
  });
});
