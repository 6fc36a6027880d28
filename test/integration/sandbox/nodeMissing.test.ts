// A machine without Node.js: invoking a nodejs function says what to install. Its own file, so its own process:
// PATH is emptied before anything looks for `node` (the lookup is cached per process).
import { describe, it, before, after } from 'node:test';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  TEST_ROLE,
  createActiveFunction,
  makeZip,
  rejectsWith,
  withSandbox,
  type TestSandbox,
} from '../../helpers/sandbox';

describe('a nodejs function where this machine has no node', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  const path = process.env.PATH;

  before(async () => {
    process.env.PATH = '/nonexistent';
    sb = await withSandbox({ updateDelayMs: 5 });
    c = sb.client();
    await createActiveFunction(c, {
      FunctionName: 'needs-node',
      Runtime: 'nodejs22.x',
      Role: TEST_ROLE,
      Handler: 'index.handler',
      Code: { ZipFile: makeZip([{ name: 'index.js', data: 'exports.handler = async () => 1;\n' }]) },
    });
  });
  after(async () => {
    process.env.PATH = path;
    await sb.close();
  });

  it('answers 502 InvalidRuntimeException naming the Node.js to install', async () => {
    await rejectsWith(
      c.send(new InvokeCommand({ FunctionName: 'needs-node' })),
      'InvalidRuntimeException',
      502,
      'Node.js was not found (tried `node` on PATH); install Node.js 22 to run nodejs22.x functions locally',
    );
  });
});
