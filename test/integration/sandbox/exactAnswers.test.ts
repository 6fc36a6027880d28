// The answers that once differed from AWS's (issue 17), through the AWS SDK, the AWS CLI and raw HTTP: another
// region's ARN, an unknown runtime, a 65-character name, environment variable names, the 50 MiB zip limit,
// ListFunctions' FunctionVersion, RuntimeVersionConfig, the message field of error bodies and Publish=true (once
// refused, now publishing).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListVersionsByFunctionCommand,
  InvokeCommand,
  ListFunctionsCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type CreateFunctionCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  TEST_CREDENTIALS,
  TEST_ROLE,
  awsCli,
  createActiveFunction,
  handlerZip,
  makeZip,
  withSandbox,
  type TestSandbox,
  rejectsWith,
} from '../../helpers/sandbox';
import { sendSigned } from '../../helpers/sigv4';

const FOREIGN = 'arn:aws:lambda:eu-west-1:123456789012:function:exact';
const NOT_REACHABLE = "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')";
const LONG_NAME = 'n'.repeat(65);
const CODE = handlerZip('def handler(event, context):\n    return {"ok": True}\n');
const ENV_PATTERN_MESSAGE =
  "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]";
const MIB_50 = 50 * 1024 * 1024;

/** A zip of exactly `size` bytes: one stored entry padded to fit. */
function zipOfSize(size: number): Buffer {
  const overhead = makeZip([{ name: 'pad.bin', data: Buffer.alloc(0) }]).length;
  const zip = makeZip([{ name: 'pad.bin', data: Buffer.alloc(size - overhead, 0x61) }]);
  assert.equal(zip.length, size);
  return zip;
}

describe('answers that match AWS exactly', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  const base: CreateFunctionCommandInput = {
    FunctionName: 'exact',
    Runtime: 'python3.12',
    Role: TEST_ROLE,
    Handler: 'lambda_function.handler',
    Code: { ZipFile: CODE },
  };
  const absent = async (name: string) =>
    rejectsWith(
      c.send(new GetFunctionCommand({ FunctionName: name })),
      'ResourceNotFoundException',
      404,
      `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    );

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 10 });
    c = sb.client();
    await createActiveFunction(c, { ...base, Environment: { Variables: { GOOD_NAME: 'kept' } } });
  });
  after(() => sb.close());

  it("another region's function ARN is 404 ResourceNotFoundException (SDK and CLI)", async () => {
    await rejectsWith(
      c.send(new GetFunctionCommand({ FunctionName: FOREIGN })),
      'ResourceNotFoundException',
      404,
      NOT_REACHABLE,
    );
    await rejectsWith(
      c.send(new InvokeCommand({ FunctionName: FOREIGN })),
      'ResourceNotFoundException',
      404,
      NOT_REACHABLE,
    );
    await rejectsWith(
      c.send(new UpdateFunctionConfigurationCommand({ FunctionName: FOREIGN, Timeout: 9 })),
      'ResourceNotFoundException',
      404,
      NOT_REACHABLE,
    );
    const cli = await awsCli(sb, ['get-function-configuration', '--function-name', FOREIGN]);
    assert.match(
      cli.stderr,
      /\(ResourceNotFoundException\) when calling the GetFunctionConfiguration operation: Functions from 'eu-west-1' are not reachable/,
    );
  });

  it('an unknown runtime and a 65-character name are InvalidParameterValueException with AWS messages (SDK and CLI)', async () => {
    await rejectsWith(
      c.send(new CreateFunctionCommand({ ...base, FunctionName: 'runtime-x', Runtime: 'cobol85' as never })),
      'InvalidParameterValueException',
      400,
      /^Value cobol85 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[nodejs, .*python3\.12, .*\] or be a valid ARN$/,
    );
    await rejectsWith(
      c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'exact', Runtime: 'cobol85' as never })),
      'InvalidParameterValueException',
      400,
      /^Value cobol85 at 'runtime'/,
    );
    await rejectsWith(
      c.send(new CreateFunctionCommand({ ...base, FunctionName: LONG_NAME })),
      'InvalidParameterValueException',
      400,
      `1 validation error detected: Value '${LONG_NAME}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
    const zipPath = join(tmpdir(), `exact-${process.pid}.zip`);
    await fs.writeFile(zipPath, CODE);
    const cli = await awsCli(sb, [
      'create-function',
      '--function-name',
      LONG_NAME,
      '--runtime',
      'python3.12',
      '--role',
      TEST_ROLE,
      '--handler',
      'h.h',
      '--zip-file',
      `fileb://${zipPath}`,
    ]);
    await fs.rm(zipPath);
    assert.match(
      cli.stderr,
      /\(InvalidParameterValueException\) when calling the CreateFunction operation: 1 validation error detected: .* Member must have length less than or equal to 64/,
    );
    await absent('runtime-x');
    assert.equal((await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'exact' }))).Runtime, 'python3.12');
  });

  it("environment variable names outside the model's pattern are refused and nothing changes", async () => {
    for (const name of ['1BAD', 'A', 'HAS-DASH', '_X']) {
      await rejectsWith(
        c.send(
          new CreateFunctionCommand({ ...base, FunctionName: 'env-x', Environment: { Variables: { [name]: 'v' } } }),
        ),
        'ValidationException',
        400,
        ENV_PATTERN_MESSAGE,
      );
      await rejectsWith(
        c.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: 'exact',
            Environment: { Variables: { [name]: 'v' } },
          }),
        ),
        'ValidationException',
        400,
        ENV_PATTERN_MESSAGE,
      );
    }
    await absent('env-x');
    assert.deepEqual(
      (await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'exact' }))).Environment?.Variables,
      { GOOD_NAME: 'kept' },
    );
    const cli = await awsCli(sb, [
      'update-function-configuration',
      '--function-name',
      'exact',
      '--environment',
      'Variables={1BAD=v}',
    ]);
    assert.ok(
      cli.stderr.includes(
        `(ValidationException) when calling the UpdateFunctionConfiguration operation: ${ENV_PATTERN_MESSAGE}`,
      ),
      cli.stderr,
    );
  });

  it('the 50 MiB limit applies to the zip: exactly 50 MiB is taken, one byte more is 413 RequestEntityTooLargeException', async () => {
    const fits = zipOfSize(MIB_50);
    const updated = await c.send(new UpdateFunctionCodeCommand({ FunctionName: 'exact', ZipFile: fits }));
    assert.equal(updated.CodeSize, MIB_50);
    await rejectsWith(
      c.send(new CreateFunctionCommand({ ...base, FunctionName: 'too-big', Code: { ZipFile: zipOfSize(MIB_50 + 1) } })),
      'RequestEntityTooLargeException',
      413,
      'Request must be smaller than 69905067 bytes for the CreateFunction operation',
    );
    await absent('too-big');
  });

  it('ListFunctions: FunctionVersion=ALL qualifies $LATEST ARNs, another value is 400 (CLI)', async () => {
    const all = await c.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
    assert.deepEqual(
      all.Functions?.map((f) => f.FunctionArn),
      ['arn:aws:lambda:us-east-1:123456789012:function:exact:$LATEST'],
    );
    const cli = await awsCli(sb, ['list-functions', '--function-version', 'invalid']);
    assert.match(
      cli.stderr,
      /\(ValidationException\).*Value 'invalid' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: \[ALL\]/,
    );
  });

  it('configurations carry RuntimeVersionConfig, one stable runtime version ARN per runtime', async () => {
    const config = await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'exact' }));
    assert.match(
      config.RuntimeVersionConfig?.RuntimeVersionArn ?? '',
      /^arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}$/,
    );
    const listed = (await c.send(new ListFunctionsCommand({}))).Functions?.[0];
    assert.equal(listed?.RuntimeVersionConfig?.RuntimeVersionArn, config.RuntimeVersionConfig?.RuntimeVersionArn);
  });

  it('error bodies spell the message field as AWS does for each error', async () => {
    const get = (name: string) =>
      sendSigned(sb.url, { method: 'GET', path: `/2015-03-31/functions/${name}` }, TEST_CREDENTIALS);
    assert.deepEqual(JSON.parse((await get('nope')).body), {
      Type: 'User',
      Message: 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope',
    });
    const conflict = await sendSigned(
      sb.url,
      {
        method: 'POST',
        path: '/2015-03-31/functions',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...base, Code: { ZipFile: CODE.toString('base64') } }),
      },
      TEST_CREDENTIALS,
    );
    assert.deepEqual(JSON.parse(conflict.body), { Type: 'User', message: 'Function already exist: exact' });
    assert.deepEqual(Object.keys(JSON.parse((await get('bad%20name')).body)), ['message']);
  });

  it('Publish=true publishes version 1 and answers with it (its ARN qualified by the number)', async () => {
    const created = await c.send(new CreateFunctionCommand({ ...base, FunctionName: 'published', Publish: true }));
    assert.equal(created.Version, '1');
    assert.match(created.FunctionArn!, /:function:published:1$/);
    const versions = await c.send(new ListVersionsByFunctionCommand({ FunctionName: 'published' }));
    assert.deepEqual(
      versions.Versions?.map((v) => v.Version),
      ['$LATEST', '1'],
    );
  });
});
