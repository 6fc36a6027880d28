// DeleteFunction with a qualifier, through the AWS SDK and the AWS CLI: $LATEST is refused and nothing is deleted
// (it once deleted the whole function), a version that does not exist deletes nothing (204, as AWS), an alias 400.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteFunctionCommand, GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  TEST_ROLE,
  awsCli,
  createActiveFunction,
  handlerZip,
  withSandbox,
  type TestSandbox,
  rejectsWith,
} from '../../helpers/sandbox';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:keep';
const LATEST_REFUSED = '$LATEST version cannot be deleted without deleting the function.';

describe('DeleteFunction with a qualifier', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  const stillThere = async () =>
    assert.equal((await c.send(new GetFunctionCommand({ FunctionName: 'keep' }))).Configuration?.FunctionName, 'keep');

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 10 });
    c = sb.client();
    await createActiveFunction(c, {
      FunctionName: 'keep',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handlerZip('def handler(e, c):\n    return 1\n') },
    });
  });
  after(() => sb.close());

  it('SDK: $LATEST, as Qualifier or at the end of the name or ARN, is refused and deletes nothing', async () => {
    for (const input of [
      { FunctionName: 'keep', Qualifier: '$LATEST' },
      { FunctionName: 'keep:$LATEST' },
      { FunctionName: `${ARN}:$LATEST` },
      { FunctionName: `${ARN}:$LATEST`, Qualifier: '$LATEST' },
      { FunctionName: '123456789012:function:keep:$LATEST' },
    ]) {
      await rejectsWith(
        c.send(new DeleteFunctionCommand(input)),
        'InvalidParameterValueException',
        400,
        LATEST_REFUSED,
      );
      await stillThere();
    }
  });

  it('SDK: a version that does not exist deletes nothing (204); an alias, a mismatch and a bad qualifier are refused', async () => {
    for (const input of [
      { FunctionName: 'keep', Qualifier: '7' },
      { FunctionName: `${ARN}:1` },
      { FunctionName: 'keep:3', Qualifier: '3' },
    ]) {
      assert.equal((await c.send(new DeleteFunctionCommand(input))).$metadata.httpStatusCode, 204);
      await stillThere();
    }
    await rejectsWith(
      c.send(new DeleteFunctionCommand({ FunctionName: 'keep', Qualifier: 'prod' })),
      'InvalidParameterValueException',
      400,
      'Deletion of aliases is not currently supported.',
    );
    await rejectsWith(
      c.send(new DeleteFunctionCommand({ FunctionName: `${ARN}:1`, Qualifier: '2' })),
      'InvalidParameterValueException',
      400,
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
    await rejectsWith(
      c.send(new DeleteFunctionCommand({ FunctionName: 'keep', Qualifier: 'a.b' })),
      'ValidationException',
      400,
      /at 'qualifier' failed to satisfy constraint/,
    );
    await rejectsWith(
      c.send(new DeleteFunctionCommand({ FunctionName: 'absent', Qualifier: '1' })),
      'ResourceNotFoundException',
      404,
      'Function not found: arn:aws:lambda:us-east-1:123456789012:function:absent',
    );
    await stillThere();
  });

  it('AWS CLI: the same answers, then an unqualified delete removes the function', async () => {
    const cli = (...args: string[]) => awsCli(sb.url, ['delete-function', ...args]);
    for (const args of [
      ['--function-name', 'keep', '--qualifier', '$LATEST'],
      ['--function-name', `${ARN}:$LATEST`],
    ]) {
      const r = await cli(...args);
      assert.notEqual(r.code, 0);
      assert.ok(
        r.stderr.includes(
          `(InvalidParameterValueException) when calling the DeleteFunction operation: ${LATEST_REFUSED}`,
        ),
        r.stderr,
      );
      await stillThere();
    }
    assert.equal((await cli('--function-name', 'keep', '--qualifier', '12')).code, 0);
    await stillThere();
    const alias = await cli('--function-name', 'keep', '--qualifier', 'live');
    assert.match(alias.stderr, /\(InvalidParameterValueException\).*Deletion of aliases is not currently supported\./);

    const gone = await cli('--function-name', 'keep');
    assert.equal(gone.code, 0, gone.stderr);
    await rejectsWith(
      c.send(new GetFunctionCommand({ FunctionName: 'keep' })),
      'ResourceNotFoundException',
      404,
      `Function not found: ${ARN}`,
    );
  });
});
