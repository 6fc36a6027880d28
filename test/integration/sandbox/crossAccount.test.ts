// Layers of another account (public or shared layers): a 12-digit access key id acts as that account.
import { describe, it, before, after } from 'node:test';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand,
  GetLayerVersionByArnCommand,
  InvokeCommand,
  LambdaClient,
  ListLayersCommand,
  PublishLayerVersionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { TEST_ROLE, handlerZip, lambdaClient, pythonPackageLayer, withSandbox, type TestSandbox } from '../../helpers/sandbox';

const OTHER = '336392948345';
const waitOpts = (client: LambdaClient) => ({ client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 }) as Parameters<typeof waitUntilFunctionActiveV2>[0];

describe('layers of another account', () => {
  let sb: TestSandbox;
  let own: LambdaClient;
  let other: LambdaClient;
  let sharedArn: string;
  let dataDir: string;
  before(async () => {
    dataDir = await fs.mkdtemp(join(tmpdir(), 'sandbox-accounts-'));
    sb = await withSandbox({ dataDir });
    own = sb.client();
    other = lambdaClient(sb, 'us-east-1', OTHER);
    const v = await other.send(
      new PublishLayerVersionCommand({ LayerName: 'shared-pkg', Content: { ZipFile: pythonPackageLayer('sharedpkg', '2.5.0') }, CompatibleRuntimes: ['python3.12'] }),
    );
    sharedArn = v.LayerVersionArn!;
  });
  after(async () => {
    other.destroy();
    await sb.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('are published under that account and listed only there', async () => {
    assert.equal(sharedArn, `arn:aws:lambda:us-east-1:${OTHER}:layer:shared-pkg:1`);
    assert.deepEqual((await other.send(new ListLayersCommand({}))).Layers?.map((l) => l.LayerArn), [`arn:aws:lambda:us-east-1:${OTHER}:layer:shared-pkg`]);
    assert.deepEqual((await own.send(new ListLayersCommand({}))).Layers, []);
  });

  it('can be read by ARN from the default account, but not from another region', async () => {
    const v = await own.send(new GetLayerVersionByArnCommand({ Arn: sharedArn }));
    assert.equal(v.LayerVersionArn, sharedArn);
    assert.deepEqual(v.CompatibleRuntimes, ['python3.12']);
    await assert.rejects(sb.client('eu-west-1').send(new GetLayerVersionByArnCommand({ Arn: sharedArn })), { name: 'ResourceNotFoundException' });
    await assert.rejects(own.send(new GetLayerVersionByArnCommand({ Arn: sharedArn.replace(/:1$/, ':2') })), { name: 'ResourceNotFoundException' });
  });

  it('can be attached to a function of the default account, which then imports it', async () => {
    await own.send(
      new CreateFunctionCommand({
        FunctionName: 'uses-shared',
        Runtime: 'python3.12',
        Role: TEST_ROLE,
        Handler: 'lambda_function.handler',
        Code: { ZipFile: handlerZip('import sharedpkg\ndef handler(event, context):\n    return sharedpkg.__version__\n') },
      }),
    );
    await waitUntilFunctionActiveV2(waitOpts(own), { FunctionName: 'uses-shared' });
    const updated = await own.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'uses-shared', Layers: [sharedArn] }));
    assert.deepEqual(updated.Layers?.map((l) => l.Arn), [sharedArn]);
    assert.equal(updated.FunctionArn, 'arn:aws:lambda:us-east-1:123456789012:function:uses-shared');
    await waitUntilFunctionUpdatedV2(waitOpts(own), { FunctionName: 'uses-shared' });
    const out = await own.send(new InvokeCommand({ FunctionName: 'uses-shared' }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    assert.equal(Buffer.from(out.Payload!).toString(), '"2.5.0"');
  });

  it('survive a restart, blobs included', async () => {
    await sb.close();
    sb = await withSandbox({ dataDir });
    const v = await sb.client().send(new GetLayerVersionByArnCommand({ Arn: sharedArn }));
    assert.equal(v.LayerVersionArn, sharedArn);
    const zip = await fetch(v.Content!.Location!);
    assert.equal(zip.status, 200);
  });
});
