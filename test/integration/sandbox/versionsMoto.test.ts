// The same versions-and-aliases scenario against the local endpoint and moto_server, step by step. The endpoint
// must answer every step as AWS does; moto must agree on the steps it implements, and where it differs from AWS
// the difference is printed (moto is a peer, not the reference).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  LambdaServiceException,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { startMoto, type Moto } from '../../helpers/moto';
import { TEST_ROLE, handlerZip, lambdaClient, withSandbox, type TestSandbox } from '../../helpers/sandbox';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:twin';

type Step = [name: string, run: (c: LambdaClient) => Promise<unknown>];

/** What a step observed: the summary of its answer, or `Name status: message` of its error. */
async function observe(c: LambdaClient, run: Step[1]): Promise<unknown> {
  try {
    return await run(c);
  } catch (e) {
    if (!(e instanceof LambdaServiceException)) throw e;
    return `${e.name} ${e.$metadata.httpStatusCode}: ${e.message}`;
  }
}

const STEPS: Step[] = [
  ['publish', async (c) => (await c.send(new PublishVersionCommand({ FunctionName: 'twin' }))).FunctionArn],
  ['publish unchanged', async (c) => (await c.send(new PublishVersionCommand({ FunctionName: 'twin' }))).Version],
  [
    'publish with a stale CodeSha256',
    (c) => c.send(new PublishVersionCommand({ FunctionName: 'twin', CodeSha256: 'AAAA' })).then(() => 'published'),
  ],
  [
    'list versions',
    async (c) =>
      (await c.send(new ListVersionsByFunctionCommand({ FunctionName: 'twin' }))).Versions?.map((v) => v.Version),
  ],
  [
    'get version 1',
    async (c) =>
      (await c.send(new GetFunctionConfigurationCommand({ FunctionName: 'twin', Qualifier: '1' }))).FunctionArn,
  ],
  [
    'create alias',
    async (c) =>
      (await c.send(new CreateAliasCommand({ FunctionName: 'twin', Name: 'live', FunctionVersion: '1' }))).AliasArn,
  ],
  [
    'create it again',
    (c) =>
      c
        .send(new CreateAliasCommand({ FunctionName: 'twin', Name: 'live', FunctionVersion: '1' }))
        .then(() => 'created'),
  ],
  [
    'alias on a missing version',
    (c) =>
      c.send(new CreateAliasCommand({ FunctionName: 'twin', Name: 'x', FunctionVersion: '7' })).then(() => 'created'),
  ],
  [
    'two weighted versions',
    (c) =>
      c
        .send(
          new UpdateAliasCommand({
            FunctionName: 'twin',
            Name: 'live',
            RoutingConfig: { AdditionalVersionWeights: { 2: 0.1, 3: 0.1 } },
          }),
        )
        .then(() => 'updated'),
  ],
  [
    'weight on its own version',
    (c) =>
      c
        .send(
          new UpdateAliasCommand({
            FunctionName: 'twin',
            Name: 'live',
            RoutingConfig: { AdditionalVersionWeights: { 1: 0.1 } },
          }),
        )
        .then(() => 'updated'),
  ],
  [
    'get alias',
    async (c) => (await c.send(new GetAliasCommand({ FunctionName: 'twin', Name: 'live' }))).FunctionVersion,
  ],
  [
    'list aliases',
    async (c) => (await c.send(new ListAliasesCommand({ FunctionName: 'twin' }))).Aliases?.map((a) => a.Name),
  ],
  [
    'get through the alias',
    async (c) => {
      const conf = await c.send(new GetFunctionConfigurationCommand({ FunctionName: `${ARN}:live` }));
      return [conf.FunctionArn, conf.Version];
    },
  ],
  [
    'list all versions',
    async (c) =>
      (await c.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }))).Functions?.map((f) => f.FunctionArn),
  ],
  ['delete alias', (c) => c.send(new DeleteAliasCommand({ FunctionName: 'twin', Name: 'live' })).then(() => 'deleted')],
  ['get deleted alias', (c) => c.send(new GetAliasCommand({ FunctionName: 'twin', Name: 'live' })).then(() => 'found')],
  [
    'delete version 1',
    (c) => c.send(new DeleteFunctionCommand({ FunctionName: 'twin', Qualifier: '1' })).then(() => 'deleted'),
  ],
  [
    'versions left',
    async (c) =>
      (await c.send(new ListVersionsByFunctionCommand({ FunctionName: 'twin' }))).Versions?.map((v) => v.Version),
  ],
];

/** AWS's answers (Lambda API reference, recorded responses); the endpoint must give exactly these. */
const AWS: Record<string, unknown> = {
  publish: `${ARN}:1`,
  'publish unchanged': '1',
  'publish with a stale CodeSha256':
    /^InvalidParameterValueException 400: CodeSHA256 \(AAAA\) is different from current CodeSHA256 in \$LATEST/,
  'list versions': ['$LATEST', '1'],
  'get version 1': `${ARN}:1`,
  'create alias': `${ARN}:live`,
  'create it again': `ResourceConflictException 409: Alias already exists: ${ARN}:live`,
  'alias on a missing version': `ResourceNotFoundException 404: Function not found: ${ARN}:7`,
  'two weighted versions':
    'InvalidParameterValueException 400: Number of items in AdditionalVersionWeights cannot be greater than 1',
  'weight on its own version':
    'InvalidParameterValueException 400: Invalid function version 1. Function version 1 is already included in routing configuration.',
  'get alias': '1',
  'list aliases': ['live'],
  'get through the alias': [`${ARN}:live`, '1'],
  'list all versions': [`${ARN}:$LATEST`, `${ARN}:1`],
  'delete alias': 'deleted',
  'get deleted alias': `ResourceNotFoundException 404: Cannot find alias arn: ${ARN}:live`,
  'delete version 1': 'deleted',
  'versions left': ['$LATEST'],
};

/** Steps moto 5.2 answers as AWS does; the others are printed. */
const MOTO_AGREES = [
  'publish',
  'publish unchanged',
  'list versions',
  'get version 1',
  'create alias',
  'alias on a missing version',
  'get alias',
  'list aliases',
  'list all versions',
  'delete alias',
  'get deleted alias',
  'delete version 1',
  'versions left',
];

const matches = (seen: unknown, expected: unknown) =>
  expected instanceof RegExp
    ? typeof seen === 'string' && expected.test(seen)
    : JSON.stringify(seen) === JSON.stringify(expected);

async function runScenario(c: LambdaClient, role: string): Promise<Map<string, unknown>> {
  await c.send(
    new CreateFunctionCommand({
      FunctionName: 'twin',
      Runtime: 'python3.12',
      Role: role,
      Handler: 'app.handler',
      Code: { ZipFile: handlerZip('def handler(e, c):\n    return 1\n') },
    }),
  );
  await waitUntilFunctionActiveV2(
    { client: c, maxWaitTime: 20, minDelay: 0.1, maxDelay: 0.5 },
    { FunctionName: 'twin' },
  );
  const seen = new Map<string, unknown>();
  for (const [name, run] of STEPS) seen.set(name, await observe(c, run));
  return seen;
}

describe('versions and aliases: the local endpoint and moto_server, step by step', () => {
  let sb: TestSandbox;
  let moto: Moto;
  before(async () => {
    [sb, moto] = await Promise.all([withSandbox({ updateDelayMs: 20 }), startMoto()]);
  });
  after(async () => {
    await Promise.all([sb?.close(), moto?.close()]);
  });

  it('the endpoint answers every step as AWS does', async () => {
    const seen = await runScenario(sb.client(), TEST_ROLE);
    for (const [name, expected] of Object.entries(AWS))
      assert.ok(matches(seen.get(name), expected), `${name}: ${JSON.stringify(seen.get(name))}`);
  });

  it('moto agrees where it implements the operation; its other differences are printed', async (t) => {
    const client = lambdaClient(moto.url);
    const iam = new IAMClient({
      region: 'us-east-1',
      endpoint: moto.url,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    try {
      const role = (await iam.send(new CreateRoleCommand({ RoleName: 'twin', AssumeRolePolicyDocument: '{}' }))).Role!
        .Arn!;
      const seen = await runScenario(client, role);
      for (const [name, expected] of Object.entries(AWS)) {
        const agrees = matches(seen.get(name), expected);
        if (MOTO_AGREES.includes(name))
          assert.ok(agrees, `moto no longer agrees on ${name}: ${JSON.stringify(seen.get(name))}`);
        else if (!agrees)
          t.diagnostic(
            `moto differs from AWS on "${name}": ${JSON.stringify(seen.get(name))} (AWS: ${String(expected)})`,
          );
      }
    } finally {
      client.destroy();
      iam.destroy();
    }
  });
});
