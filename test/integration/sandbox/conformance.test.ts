// Conformance with the Lambda API's own definition (botocore's service model, found on this machine): every
// operation the endpoint routes, in success and error cases, over raw signed HTTP, each answer checked against the
// operation's output shape or its listed errors (test/helpers/conformance.ts). The same requests go to moto_server
// and where it answers differently the differences are printed; the endpoint follows AWS, not moto, so those
// never fail the test.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { RUNTIMES } from '../../../src/sandbox/validate';
import { checkAnswer, type ServiceModel } from '../../helpers/conformance';
import { startMoto, type Moto } from '../../helpers/moto';
import { TEST_CREDENTIALS, TEST_ROLE, handlerZip, makeZip, withSandbox, type TestSandbox } from '../../helpers/sandbox';
import { loadLambdaModel } from '../../helpers/serviceModel';
import { sendSigned, type RawRequest, type SignedAnswer } from '../../helpers/sigv4';

const FN = 'conf-fn';
const LAYER = 'conf-layer';
const LAYER_V1 = `arn:aws:lambda:us-east-1:123456789012:layer:${LAYER}:1`;
const ABSENT = 'conf-absent';
const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64');
const LAYER_ZIP = b64(makeZip([{ name: 'python/conf_layer.py', data: 'X = 1\n' }]));
const CODE_ZIP = b64(handlerZip('def handler(event, context):\n    return {"ok": True}\n'));

interface Step {
  op: string;
  title: string;
  request: RawRequest;
  status: number;
  code?: string;
  /** Why moto is not asked (it does not implement the operation, or needs Docker for it). */
  notOnMoto?: string;
}
/** Waits until the function is Active with no update in progress (the endpoint settles after a delay). */
type Entry = Step | { settle: string };

const json = (method: string, path: string, body?: unknown, query?: Record<string, string>): RawRequest => ({
  method,
  path,
  ...(query && { query }),
  ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
});
const fn = (name: string, rest = '') => `/2015-03-31/functions/${encodeURIComponent(name)}${rest}`;
const layerVersion = (n: number, rest = '') => `/2018-10-31/layers/${LAYER}/versions/${n}${rest}`;
const invoke = (name: string, headers: Record<string, string>, body = '{"a":1}'): RawRequest => ({
  method: 'POST',
  path: fn(name, '/invocations'),
  headers,
  body,
});
const create = (fields: Record<string, unknown>) =>
  json('POST', '/2015-03-31/functions', {
    Runtime: 'python3.12',
    Role: TEST_ROLE,
    Handler: 'lambda_function.handler',
    Code: { ZipFile: CODE_ZIP },
    ...fields,
  });
const DOCKER = 'moto runs handlers in Docker';

const STEPS: Entry[] = [
  {
    op: 'PublishLayerVersion',
    title: 'publishes',
    request: json('POST', `/2018-10-31/layers/${LAYER}/versions`, {
      Content: { ZipFile: LAYER_ZIP },
      Description: 'conformance',
      CompatibleRuntimes: ['python3.12'],
      CompatibleArchitectures: ['x86_64'],
      LicenseInfo: 'MIT',
    }),
    status: 201,
  },
  {
    op: 'PublishLayerVersion',
    title: 'content that is not a zip',
    request: json('POST', `/2018-10-31/layers/${LAYER}/versions`, { Content: { ZipFile: b64('not a zip') } }),
    status: 400,
    code: 'InvalidParameterValueException',
  },
  {
    op: 'PublishLayerVersion',
    title: 'an unknown compatible runtime',
    request: json('POST', `/2018-10-31/layers/${LAYER}/versions`, {
      Content: { ZipFile: LAYER_ZIP },
      CompatibleRuntimes: ['cobol85'],
    }),
    status: 400,
    code: 'ValidationException',
  },
  { op: 'ListLayers', title: 'lists', request: json('GET', '/2018-10-31/layers'), status: 200 },
  {
    op: 'ListLayers',
    title: 'filtered by runtime',
    request: json('GET', '/2018-10-31/layers', undefined, { CompatibleRuntime: 'python3.12' }),
    status: 200,
  },
  {
    op: 'ListLayers',
    title: 'MaxItems past 50',
    request: json('GET', '/2018-10-31/layers', undefined, { MaxItems: '51' }),
    status: 400,
    code: 'ValidationException',
  },
  {
    op: 'ListLayerVersions',
    title: 'lists',
    request: json('GET', `/2018-10-31/layers/${LAYER}/versions`),
    status: 200,
  },
  {
    op: 'ListLayerVersions',
    title: 'an unknown layer (empty)',
    request: json('GET', '/2018-10-31/layers/conf-never/versions'),
    status: 200,
  },
  {
    op: 'ListLayerVersions',
    title: 'an unknown runtime filter',
    request: json('GET', `/2018-10-31/layers/${LAYER}/versions`, undefined, { CompatibleRuntime: 'cobol85' }),
    status: 400,
    code: 'ValidationException',
  },
  { op: 'GetLayerVersion', title: 'gets', request: json('GET', layerVersion(1)), status: 200 },
  {
    op: 'GetLayerVersion',
    title: 'an unknown version',
    request: json('GET', layerVersion(99)),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'GetLayerVersion',
    title: 'version 0',
    request: json('GET', layerVersion(0)),
    status: 400,
    code: 'InvalidParameterValueException',
  },
  {
    op: 'GetLayerVersionByArn',
    title: 'gets',
    request: json('GET', '/2018-10-31/layers', undefined, { find: 'LayerVersion', Arn: LAYER_V1 }),
    status: 200,
  },
  {
    op: 'GetLayerVersionByArn',
    title: 'an unknown version',
    request: json('GET', '/2018-10-31/layers', undefined, { find: 'LayerVersion', Arn: `${LAYER_V1.slice(0, -1)}99` }),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'AddLayerVersionPermission',
    title: 'grants',
    request: json('POST', layerVersion(1, '/policy'), {
      StatementId: 'everyone',
      Action: 'lambda:GetLayerVersion',
      Principal: '*',
    }),
    status: 201,
  },
  {
    op: 'AddLayerVersionPermission',
    title: 'the same statement id again',
    request: json('POST', layerVersion(1, '/policy'), {
      StatementId: 'everyone',
      Action: 'lambda:GetLayerVersion',
      Principal: '*',
    }),
    status: 409,
    code: 'ResourceConflictException',
  },
  { op: 'GetLayerVersionPolicy', title: 'gets', request: json('GET', layerVersion(1, '/policy')), status: 200 },
  {
    op: 'RemoveLayerVersionPermission',
    title: 'revokes',
    request: json('DELETE', layerVersion(1, '/policy/everyone')),
    status: 204,
  },
  {
    op: 'RemoveLayerVersionPermission',
    title: 'a statement that is gone',
    request: json('DELETE', layerVersion(1, '/policy/everyone')),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'GetLayerVersionPolicy',
    title: 'no policy',
    request: json('GET', layerVersion(1, '/policy')),
    status: 404,
    code: 'ResourceNotFoundException',
  },

  {
    op: 'CreateFunction',
    title: 'creates',
    request: create({
      FunctionName: FN,
      Layers: [LAYER_V1],
      Environment: { Variables: { GREETING: 'hi' } },
      Description: 'conformance',
      Timeout: 5,
      MemorySize: 256,
      Architectures: ['x86_64'],
      Tags: { team: 'layers' },
    }),
    status: 201,
  },
  {
    op: 'CreateFunction',
    title: 'an unknown runtime',
    request: create({ FunctionName: 'conf-bad', Runtime: 'cobol85' }),
    status: 400,
    code: 'InvalidParameterValueException',
  },
  {
    op: 'CreateFunction',
    title: 'a 65-character name',
    request: create({ FunctionName: 'a'.repeat(65) }),
    status: 400,
    code: 'InvalidParameterValueException',
  },
  {
    op: 'CreateFunction',
    title: 'an environment variable name outside the pattern',
    request: create({ FunctionName: 'conf-bad', Environment: { Variables: { '1BAD': 'x' } } }),
    status: 400,
    code: 'ValidationException',
  },
  {
    op: 'CreateFunction',
    title: 'six layers',
    request: create({
      FunctionName: 'conf-bad',
      Layers: Array.from({ length: 6 }, (_, i) => `${LAYER_V1.slice(0, -1)}${i + 1}`),
    }),
    status: 400,
    code: 'InvalidParameterValueException',
  },
  {
    op: 'CreateFunction',
    title: 'a name outside the pattern',
    request: create({ FunctionName: 'bad name!' }),
    status: 400,
    code: 'ValidationException',
  },
  { settle: FN },
  {
    op: 'CreateFunction',
    title: 'a name already taken',
    request: create({ FunctionName: FN }),
    status: 409,
    code: 'ResourceConflictException',
  },
  { op: 'GetFunction', title: 'gets', request: json('GET', fn(FN)), status: 200 },
  {
    op: 'GetFunction',
    title: 'an unknown function',
    request: json('GET', fn(ABSENT)),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'GetFunction',
    title: "another region's ARN",
    request: json('GET', fn(`arn:aws:lambda:eu-west-1:123456789012:function:${FN}`)),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'GetFunction',
    title: 'a qualifier that contradicts the name',
    request: json('GET', fn(`${FN}:1`), undefined, { Qualifier: '2' }),
    status: 400,
    code: 'InvalidParameterValueException',
  },
  { op: 'GetFunctionConfiguration', title: 'gets', request: json('GET', fn(FN, '/configuration')), status: 200 },
  {
    op: 'GetFunctionConfiguration',
    title: 'an unknown function',
    request: json('GET', fn(ABSENT, '/configuration')),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  { op: 'ListFunctions', title: 'lists', request: json('GET', '/2015-03-31/functions'), status: 200 },
  {
    op: 'ListFunctions',
    title: 'all versions',
    request: json('GET', '/2015-03-31/functions', undefined, { FunctionVersion: 'ALL' }),
    status: 200,
  },
  {
    op: 'ListFunctions',
    title: 'FunctionVersion=invalid',
    request: json('GET', '/2015-03-31/functions', undefined, { FunctionVersion: 'invalid' }),
    status: 400,
    code: 'ValidationException',
  },
  {
    op: 'UpdateFunctionConfiguration',
    title: 'updates',
    request: json('PUT', fn(FN, '/configuration'), { Timeout: 6, Description: 'updated' }),
    status: 200,
  },
  {
    op: 'UpdateFunctionConfiguration',
    title: 'a stale RevisionId',
    request: json('PUT', fn(FN, '/configuration'), { Timeout: 7, RevisionId: '00000000-0000-0000-0000-000000000000' }),
    status: 412,
    code: 'PreconditionFailedException',
  },
  { settle: FN },
  {
    op: 'UpdateFunctionCode',
    title: 'updates',
    request: json('PUT', fn(FN, '/code'), { ZipFile: CODE_ZIP }),
    status: 200,
  },
  {
    op: 'UpdateFunctionCode',
    title: 'an unknown function',
    request: json('PUT', fn(ABSENT, '/code'), { ZipFile: CODE_ZIP }),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  { settle: FN },
  {
    op: 'PublishVersion',
    title: 'publishes',
    request: json('POST', fn(FN, '/versions'), { Description: 'v1' }),
    status: 201,
  },
  {
    op: 'PublishVersion',
    title: 'an unknown function',
    request: json('POST', fn(ABSENT, '/versions'), {}),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'PublishVersion',
    title: "a CodeSha256 other than $LATEST's",
    request: json('POST', fn(FN, '/versions'), { CodeSha256: 'AAAA' }),
    status: 400,
    code: 'InvalidParameterValueException',
  },
  { op: 'ListVersionsByFunction', title: 'lists', request: json('GET', fn(FN, '/versions')), status: 200 },
  {
    op: 'ListVersionsByFunction',
    title: 'an unknown function',
    request: json('GET', fn(ABSENT, '/versions')),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  { op: 'GetFunction', title: 'a version', request: json('GET', fn(FN), undefined, { Qualifier: '1' }), status: 200 },
  {
    op: 'GetFunctionConfiguration',
    title: 'a version that does not exist',
    request: json('GET', fn(FN, '/configuration'), undefined, { Qualifier: '9' }),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'CreateAlias',
    title: 'creates',
    request: json('POST', fn(FN, '/aliases'), { Name: 'live', FunctionVersion: '1', Description: 'prod' }),
    status: 201,
  },
  {
    op: 'CreateAlias',
    title: 'a name already taken',
    request: json('POST', fn(FN, '/aliases'), { Name: 'live', FunctionVersion: '1' }),
    status: 409,
    code: 'ResourceConflictException',
  },
  {
    op: 'CreateAlias',
    title: 'a version that does not exist',
    request: json('POST', fn(FN, '/aliases'), { Name: 'x', FunctionVersion: '9' }),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'CreateAlias',
    title: 'a numeric name',
    request: json('POST', fn(FN, '/aliases'), { Name: '12', FunctionVersion: '1' }),
    status: 400,
    code: 'ValidationException',
  },
  { op: 'GetAlias', title: 'gets', request: json('GET', fn(FN, '/aliases/live')), status: 200 },
  {
    op: 'GetAlias',
    title: 'an unknown alias',
    request: json('GET', fn(FN, '/aliases/nope')),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'UpdateAlias',
    title: 'updates',
    request: json('PUT', fn(FN, '/aliases/live'), { Description: 'still prod' }),
    status: 200,
  },
  {
    op: 'UpdateAlias',
    title: 'a weight on its own version',
    request: json('PUT', fn(FN, '/aliases/live'), { RoutingConfig: { AdditionalVersionWeights: { 1: 0.5 } } }),
    status: 400,
    code: 'InvalidParameterValueException',
  },
  {
    op: 'UpdateAlias',
    title: 'a stale RevisionId',
    request: json('PUT', fn(FN, '/aliases/live'), { RevisionId: '00000000-0000-0000-0000-000000000000' }),
    status: 412,
    code: 'PreconditionFailedException',
  },
  { op: 'ListAliases', title: 'lists', request: json('GET', fn(FN, '/aliases')), status: 200 },
  {
    op: 'ListAliases',
    title: 'an unknown function',
    request: json('GET', fn(ABSENT, '/aliases')),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'GetFunctionConfiguration',
    title: 'through an alias',
    request: json('GET', fn(`${FN}:live`, '/configuration')),
    status: 200,
  },
  {
    op: 'Invoke',
    title: 'through an alias',
    request: { ...invoke(FN, {}), query: { Qualifier: 'live' } },
    status: 200,
    notOnMoto: DOCKER,
  },
  {
    op: 'DeleteFunction',
    title: 'a version an alias points at',
    request: json('DELETE', fn(FN), undefined, { Qualifier: '1' }),
    status: 409,
    code: 'ResourceConflictException',
  },
  { op: 'DeleteAlias', title: 'deletes', request: json('DELETE', fn(FN, '/aliases/live')), status: 204 },
  {
    op: 'DeleteAlias',
    title: 'an alias that is gone (idempotent)',
    request: json('DELETE', fn(FN, '/aliases/live')),
    status: 204,
  },
  {
    op: 'DeleteAlias',
    title: 'a numeric name',
    request: json('DELETE', fn(FN, '/aliases/12')),
    status: 400,
    code: 'ValidationException',
  },
  {
    op: 'DeleteFunction',
    title: 'a version',
    request: json('DELETE', fn(FN), undefined, { Qualifier: '1' }),
    status: 204,
  },
  {
    op: 'Invoke',
    title: 'RequestResponse with the log tail',
    request: invoke(FN, { 'X-Amz-Log-Type': 'Tail' }),
    status: 200,
    notOnMoto: DOCKER,
  },
  {
    op: 'Invoke',
    title: 'Event',
    request: invoke(FN, { 'X-Amz-Invocation-Type': 'Event' }),
    status: 202,
    notOnMoto: DOCKER,
  },
  {
    op: 'Invoke',
    title: 'DryRun',
    request: invoke(FN, { 'X-Amz-Invocation-Type': 'DryRun' }),
    status: 204,
    notOnMoto: DOCKER,
  },
  {
    op: 'Invoke',
    title: 'an unknown function',
    request: invoke(ABSENT, {}),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'Invoke',
    title: 'an unknown invocation type',
    request: invoke(FN, { 'X-Amz-Invocation-Type': 'Later' }),
    status: 400,
    code: 'ValidationException',
    notOnMoto: DOCKER,
  },
  {
    op: 'Invoke',
    title: 'a payload that is not JSON',
    request: invoke(FN, {}, 'not json'),
    status: 400,
    code: 'InvalidRequestContentException',
    notOnMoto: DOCKER,
  },
  {
    op: 'PutFunctionConcurrency',
    title: 'reserves',
    request: json('PUT', `/2017-10-31/functions/${FN}/concurrency`, { ReservedConcurrentExecutions: 5 }),
    status: 200,
  },
  {
    op: 'PutFunctionConcurrency',
    title: 'more than the account can spare',
    request: json('PUT', `/2017-10-31/functions/${FN}/concurrency`, { ReservedConcurrentExecutions: 901 }),
    status: 400,
    code: 'InvalidParameterValueException',
  },
  {
    op: 'PutFunctionConcurrency',
    title: 'an unknown function',
    request: json('PUT', `/2017-10-31/functions/${ABSENT}/concurrency`, { ReservedConcurrentExecutions: 1 }),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'GetFunctionConcurrency',
    title: 'gets',
    request: json('GET', `/2019-09-30/functions/${FN}/concurrency`),
    status: 200,
  },
  {
    op: 'GetFunctionConcurrency',
    title: 'an unknown function',
    request: json('GET', `/2019-09-30/functions/${ABSENT}/concurrency`),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'PutFunctionConcurrency',
    title: 'reserves none',
    request: json('PUT', `/2017-10-31/functions/${FN}/concurrency`, { ReservedConcurrentExecutions: 0 }),
    status: 200,
  },
  {
    op: 'Invoke',
    title: 'throttled by reserved concurrency 0',
    request: invoke(FN, {}),
    status: 429,
    code: 'TooManyRequestsException',
    notOnMoto: DOCKER,
  },
  {
    op: 'DeleteFunctionConcurrency',
    title: 'deletes',
    request: json('DELETE', `/2017-10-31/functions/${FN}/concurrency`),
    status: 204,
  },
  {
    op: 'DeleteFunctionConcurrency',
    title: 'an unknown function',
    request: json('DELETE', `/2017-10-31/functions/${ABSENT}/concurrency`),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  {
    op: 'DeleteFunction',
    title: 'Qualifier=$LATEST',
    request: json('DELETE', fn(FN), undefined, { Qualifier: '$LATEST' }),
    status: 400,
    code: 'InvalidParameterValueException',
  },
  {
    op: 'DeleteFunction',
    title: 'a version that does not exist',
    request: json('DELETE', fn(FN), undefined, { Qualifier: '7' }),
    status: 204,
  },
  { op: 'DeleteFunction', title: 'deletes', request: json('DELETE', fn(FN)), status: 204 },
  {
    op: 'DeleteFunction',
    title: 'a function that is gone',
    request: json('DELETE', fn(FN)),
    status: 404,
    code: 'ResourceNotFoundException',
  },
  { op: 'DeleteLayerVersion', title: 'deletes', request: json('DELETE', layerVersion(1)), status: 204 },
  {
    op: 'DeleteLayerVersion',
    title: 'a version that is gone (idempotent)',
    request: json('DELETE', layerVersion(1)),
    status: 204,
  },
  {
    op: 'DeleteLayerVersion',
    title: 'a layer name outside the pattern',
    request: json('DELETE', '/2018-10-31/layers/bad%21name/versions/1'),
    status: 400,
    code: 'ValidationException',
  },
];

/**
 * Where AWS itself answers outside its model, the endpoint follows AWS: an update's InProgress configuration
 * carries LastUpdateStatusReasonCode "Creating" (recorded AWS CLI output), which the model's enum lacks.
 */
const AWS_BEYOND_MODEL = [
  'body.LastUpdateStatusReasonCode: "Creating" is not one of LastUpdateStatusReasonCode\'s values',
];

const isStep = (e: Entry): e is Step => 'op' in e;
const errorCode = (a: SignedAnswer) => String(a.headers['x-amzn-errortype'] ?? '').split(':')[0] || undefined;
const summary = (a: SignedAnswer) => `${a.status}${errorCode(a) ? ` ${errorCode(a)}` : ''}`;

async function settle(url: string, name: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const a = await sendSigned(url, json('GET', fn(name, '/configuration')), TEST_CREDENTIALS);
    const c = JSON.parse(a.body) as { State?: string; LastUpdateStatus?: string };
    if (a.status === 200 && c.State === 'Active' && c.LastUpdateStatus !== 'InProgress') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${name} did not settle at ${url}`);
}

/** A request for each operation of the model, placeholders filled with names that exist nowhere. */
function probe(op: ServiceModel['operations'][string]): RawRequest {
  const [path, query] = op.http.requestUri.split('?');
  return {
    method: op.http.method,
    path: path.replace(/\{([^}]+?)\+?\}/g, (_, label: string) => (/Version|Number/.test(label) ? '1' : 'conf-probe')),
    query: Object.fromEntries(new URLSearchParams(query ?? '')),
  };
}

describe('conformance with the Lambda service model', () => {
  let model: ServiceModel;
  let sb: TestSandbox;
  let moto: Moto;

  before(async () => {
    model = loadLambdaModel(); // fails the suite, saying where it looked, when the AWS CLI's model is not there
    sb = await withSandbox({ updateDelayMs: 20 });
    moto = await startMoto();
    const iam = new IAMClient({ endpoint: moto.url, region: 'us-east-1', credentials: TEST_CREDENTIALS });
    await iam.send(
      new CreateRoleCommand({
        RoleName: TEST_ROLE.split('/').pop(),
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    iam.destroy();
  });
  after(async () => {
    await sb?.close();
    await moto?.close();
  });

  it("the endpoint's runtimes are the model's Runtime enum", () => {
    assert.deepEqual(RUNTIMES, model.shapes.Runtime.enum);
  });

  it('every operation the endpoint routes has success and error cases here', async () => {
    const routed: string[] = [];
    for (const op of Object.values(model.operations)) {
      const a = await sendSigned(sb.url, probe(op), TEST_CREDENTIALS);
      if (errorCode(a) !== 'UnknownOperationException') routed.push(op.name);
    }
    const steps = STEPS.filter(isStep);
    const uncovered = routed.flatMap((name) => [
      ...(steps.some((s) => s.op === name && s.status < 300) ? [] : [`${name}: no success case`]),
      ...(steps.some((s) => s.op === name && s.status >= 300) ? [] : [`${name}: no error case`]),
    ]);
    assert.deepEqual(uncovered, [], 'operations the endpoint routes need cases in this suite');
    assert.deepEqual(
      [...new Set(steps.map((s) => s.op))].sort(),
      routed.sort(),
      'cases for operations the endpoint does not route',
    );
  });

  it('answers every case as the model says, and prints where moto answers differently', async () => {
    const failures: string[] = [];
    const motoDiffs: string[] = [];
    for (const entry of STEPS) {
      if (!isStep(entry)) {
        await settle(sb.url, entry.settle);
        await settle(moto.url, entry.settle);
        continue;
      }
      const name = `${entry.op} (${entry.title})`;
      const ours = await sendSigned(sb.url, entry.request, TEST_CREDENTIALS);
      if (ours.status !== entry.status || (entry.code !== undefined && errorCode(ours) !== entry.code)) {
        failures.push(
          `${name}: answered ${summary(ours)}, expected ${entry.status}${entry.code ? ` ${entry.code}` : ''}: ${ours.body.slice(0, 300)}`,
        );
      }
      failures.push(
        ...checkAnswer(model, entry.op, ours)
          .filter((p) => !AWS_BEYOND_MODEL.includes(p))
          .map((p) => `${name}: ${p}`),
      );

      if (entry.notOnMoto) {
        motoDiffs.push(`${name}: not asked (${entry.notOnMoto})`);
        continue;
      }
      const theirs = await sendSigned(moto.url, entry.request, TEST_CREDENTIALS);
      if (summary(theirs) !== summary(ours))
        motoDiffs.push(`${name}: endpoint ${summary(ours)}, moto ${summary(theirs)}`);
      for (const p of checkAnswer(model, entry.op, theirs)) motoDiffs.push(`${name}: moto's answer: ${p}`);
    }
    console.log(
      `Where moto_server differs from the endpoint (AWS's documented behaviour wins):\n  ${motoDiffs.join('\n  ') || '(nowhere)'}`,
    );
    assert.deepEqual(failures, []);
  });
});
