import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LambdaClient,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { SdkLambdaGateway } from '../../../src/aws/lambdaGateway';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function';
const config = (name: string, version: string, qualified = true): FunctionConfiguration => ({
  FunctionName: name,
  FunctionArn: qualified ? `${ARN}:${name}:${version}` : `${ARN}:${name}`,
  Version: version,
});

/** A client answering ListFunctions and ListVersionsByFunction from canned pages, recording what was asked. */
function fakeClient(listFunctions: FunctionConfiguration[], versions: Record<string, FunctionConfiguration[]>) {
  const asked: string[] = [];
  // A real client (the paginators insist on one) whose send never reaches the network.
  const client = new LambdaClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  Object.assign(client, {
    send: async (command: unknown) => {
      if (command instanceof ListFunctionsCommand) {
        asked.push(`ListFunctions ${command.input.FunctionVersion}`);
        return { Functions: listFunctions };
      }
      if (command instanceof ListVersionsByFunctionCommand) {
        asked.push(`ListVersionsByFunction ${command.input.FunctionName}`);
        return { Versions: versions[command.input.FunctionName!] ?? [] };
      }
      throw new Error('unexpected command');
    },
  });
  return { client, asked };
}

async function all(gateway: SdkLambdaGateway): Promise<string[]> {
  const out: string[] = [];
  for await (const fn of gateway.listFunctionVersions()) out.push(`${fn.FunctionName}:${fn.Version}`);
  return out;
}

test('FunctionVersion=ALL answered as AWS does (qualified ARNs): one listing, nothing else', async () => {
  const { client, asked } = fakeClient([config('a', '$LATEST'), config('a', '3'), config('b', '$LATEST')], {});
  assert.deepEqual(await all(new SdkLambdaGateway(client, 'us-east-1')), ['a:$LATEST', 'a:3', 'b:$LATEST']);
  assert.deepEqual(asked, ['ListFunctions ALL']);
});

test('an endpoint that ignores ALL (unqualified ARNs) is asked per function, and nothing is given twice', async () => {
  const { client, asked } = fakeClient(
    [config('a', '$LATEST', false), config('a', '2'), config('b', '$LATEST', false)],
    {
      a: [config('a', '$LATEST'), config('a', '1'), config('a', '2')],
      b: [config('b', '$LATEST')],
    },
  );
  assert.deepEqual(await all(new SdkLambdaGateway(client, 'us-east-1')), ['a:$LATEST', 'a:1', 'a:2', 'b:$LATEST']);
  assert.deepEqual(asked, ['ListFunctions ALL', 'ListVersionsByFunction a', 'ListVersionsByFunction b']);
});
