import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMoto, type Moto } from '../../helpers/moto';
import { localConnection } from '../../../src/aws/connection';
import { AwsClientFactory } from '../../../src/aws/clientFactory';
import { SdkLambdaGateway } from '../../../src/aws/lambdaGateway';
import { probeCodeZip } from '../../../src/invoke/probe';
import { probeLanguageOf } from '../../../src/invoke/probeLanguage';
import { PROBE_HANDLER } from '../../../src/invoke/probeHandler';
import { toInvokeView } from '../../../src/invoke/result';
import { createLambdaRole, listLambdaRoles } from '../../../src/invoke/roles';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { runCli } from '../../helpers/cli';

// moto runs functions only in Docker (absent here). Its stub mode answers every Invoke with 200 and
// either the next canned result or the request body: no log tail, no function error headers. That is
// enough to show our client reads a second implementation's Invoke responses, not just our sandbox's.

let moto: Moto;
let factory: AwsClientFactory;
let gateway: SdkLambdaGateway;

before(async () => {
  // moto knows AWS managed policies (AWSLambdaBasicExecutionRole) only when told by its environment
  // (the child inherits ours; each test file runs in its own process).
  process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  moto = await startMoto();
  const config = await fetch(`${moto.url}/moto-api/config`, {
    method: 'POST',
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  assert.equal(config.status, 201);
  factory = new AwsClientFactory(localConnection(moto.url));
  gateway = new SdkLambdaGateway(factory.lambda, 'us-east-1', moto.url);
});
after(async () => {
  factory?.dispose();
  await moto?.close();
});

async function queueResults(results: string[]): Promise<void> {
  const r = await fetch(`${moto.url}/moto-api/static/lambda-simple/response`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account_id: '123456789012', region: 'us-east-1', results }),
  });
  assert.equal(r.status, 201);
}

test('roles: only roles Lambda can assume are listed; creating one is idempotent', async () => {
  await factory.iam.send(
    new CreateRoleCommand({
      RoleName: 'ec2-only',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  await factory.iam.send(
    new CreateRoleCommand({
      RoleName: 'multi-service',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['edgelambda.amazonaws.com', 'lambda.amazonaws.com'] },
            Action: ['sts:AssumeRole'],
          },
        ],
      }),
    }),
  );
  const created = await createLambdaRole(factory.iam, 'invoke-test-role');
  assert.equal(created.arn, 'arn:aws:iam::123456789012:role/invoke-test-role');
  assert.deepEqual(await createLambdaRole(factory.iam, 'invoke-test-role'), created);
  await assert.rejects(createLambdaRole(factory.iam, 'ec2-only'), /Lambda cannot assume it/);
  const names = (await listLambdaRoles(factory.iam)).map((r) => r.name);
  assert.deepEqual(names, ['invoke-test-role', 'multi-service']);
});

test("invoke against moto's stub: canned JSON, canned text and the echoed body", async () => {
  const role = await createLambdaRole(factory.iam, 'stub-role');
  await gateway.createFunction({
    name: 'stubbed',
    runtime: 'python3.12',
    handler: PROBE_HANDLER,
    role: role.arn,
    zip: await probeCodeZip(probeLanguageOf('python3.12')!),
  });
  await queueResults(['{"statusCode": 200, "body": "hi"}', 'not json at all']);

  const json = toInvokeView(await gateway.invoke('stubbed', new TextEncoder().encode('{"n":1}'), { tail: true }));
  assert.equal(json.statusCode, 200);
  assert.equal(json.ok, true);
  assert.equal(json.payloadIsJson, true);
  assert.equal(json.payloadText, '{\n  "statusCode": 200,\n  "body": "hi"\n}');
  assert.equal(json.log, undefined, 'moto sends no log tail');
  assert.equal(json.report, undefined);

  const text = toInvokeView(await gateway.invoke('stubbed', new TextEncoder().encode('{"n":2}')));
  assert.equal(text.payloadIsJson, false);
  assert.equal(text.payloadText, 'not json at all');

  const echoed = toInvokeView(await gateway.invoke('stubbed', new TextEncoder().encode('{"n":3}')));
  assert.equal(echoed.payloadText, '{\n  "n": 3\n}');
});

test("the CLI prints moto's answer and exits 0; a bad payload is refused before sending", async () => {
  await queueResults(['{"from": "moto"}']);
  const ok = await runCli([
    'invoke',
    'stubbed',
    '--payload',
    '{"k":"v"}',
    '--log',
    '--endpoint',
    moto.url,
    '--region',
    'us-east-1',
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, '{"from": "moto"}\n');

  const bad = await runCli(['invoke', 'stubbed', '--payload', '{"k":', '--endpoint', moto.url]);
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /--payload is not valid JSON \(line 1, column 6\)/);

  const usage = await runCli(['invoke', '--endpoint', moto.url]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage: invoke FUNCTION/);
});
