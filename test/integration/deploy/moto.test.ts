// Create Function and Deploy Code against moto, a second Lambda implementation, with the execution role from
// moto's IAM (listed and created the way the extension does it on AWS). moto has no RevisionId checks and no
// Docker here, so the races and running the code are proven against our endpoint (sandbox.test.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { startMoto, type Moto } from '../../helpers/moto';
import { localConnection } from '../../../src/aws/connection';
import { AwsClientFactory } from '../../../src/aws/clientFactory';
import { SdkLambdaGateway } from '../../../src/aws/lambdaGateway';
import { createLambdaRole, listLambdaRoles } from '../../../src/invoke/roles';
import { createFunctionFromFolder } from '../../../src/deploy/createFunction';
import { deployCode } from '../../../src/deploy/deployCode';
import { functionFolder, spyGateway, writeHandler } from './fixtures';

let moto: Moto;
let factory: AwsClientFactory;
let gateway: SdkLambdaGateway;
let dir: string;

before(async () => {
  // moto knows AWS managed policies (AWSLambdaBasicExecutionRole) only when told by its environment.
  process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  moto = await startMoto();
  factory = new AwsClientFactory(localConnection(moto.url));
  gateway = new SdkLambdaGateway(factory.lambda, 'us-east-1', moto.url);
  dir = await functionFolder('one');
});
after(async () => {
  factory?.dispose();
  await moto?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test('create with a new basic execution role, deploy changed code, skip unchanged code', async () => {
  const role = await createLambdaRole(factory.iam, 'lambda-layers-function-role');
  assert.ok(
    (await listLambdaRoles(factory.iam)).some((r) => r.arn === role.arn),
    'the new role is one Lambda can assume',
  );

  const created = await createFunctionFromFolder(gateway, {
    name: 'moto-fn',
    folder: dir,
    runtime: 'python3.12',
    handler: 'lambda_function.lambda_handler',
    role: role.arn,
    layers: [],
  });
  assert.equal(created.configuration.Role, role.arn);
  const config = await gateway.getFunctionConfiguration('moto-fn');
  assert.equal(config.CodeSha256, created.code.codeSha256, 'moto hashes the zip as we do');
  assert.equal(config.Handler, 'lambda_function.lambda_handler');

  const unchanged = spyGateway(gateway);
  assert.equal((await deployCode(unchanged.gateway, 'moto-fn', dir)).kind, 'unchanged');
  assert.equal(unchanged.calls.get('updateFunctionCode') ?? 0, 0);

  await writeHandler(dir, 'two');
  const changed = spyGateway(gateway);
  const result = await deployCode(changed.gateway, 'moto-fn', dir, { expectedCodeSha256: created.code.codeSha256 });
  assert.equal(result.kind, 'deployed');
  assert.equal(changed.calls.get('updateFunctionCode'), 1);
  assert.equal((await gateway.getFunctionConfiguration('moto-fn')).CodeSha256, result.code.codeSha256);
});
