// Only signed requests from non-browser clients reach the endpoint: what each refusal answers, over real HTTP.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  ListFunctionsCommand,
  ListLayersCommand,
} from '@aws-sdk/client-lambda';
import { runCli } from '../../helpers/cli';
import {
  TEST_CREDENTIALS,
  TEST_ROLE,
  awsCli,
  createActiveFunction,
  handlerZip,
  lambdaClient,
  withSandbox,
  type TestSandbox,
} from '../../helpers/sandbox';
import { presignedUrl, signedHeaders, type RawRequest } from '../../helpers/sigv4';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, setHost: !('host' in headers) && !('Host' in headers) }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const CREATE_BODY = JSON.stringify({
  FunctionName: 'planted',
  Runtime: 'python3.12',
  Role: TEST_ROLE,
  Handler: 'h.h',
  Code: { ZipFile: handlerZip('x = 1\n').toString('base64') },
});
const CREATE: RawRequest = {
  method: 'POST',
  path: '/2015-03-31/functions',
  headers: { 'content-type': 'application/json' },
  body: CREATE_BODY,
};

function assertRefused(a: Answer, status: number, code: string, message: RegExp): void {
  assert.equal(a.status, status, a.body);
  assert.equal(a.headers['x-amzn-errortype'], code);
  // The front end's refusals spell it `message`, IAM's AccessDeniedException `Message`.
  const body = JSON.parse(a.body) as { message?: string; Message?: string };
  assert.match((code === 'AccessDeniedException' ? body.Message : body.message) ?? '', message);
  assert.deepEqual(
    Object.keys(a.headers).filter((h) => h.startsWith('access-control-')),
    [],
    'no CORS headers',
  );
}

describe('signed requests only', () => {
  let sb: TestSandbox;
  let url: string;
  before(async () => {
    sb = await withSandbox();
    url = `${sb.url}${CREATE.path}`;
  });
  after(() => sb.close());

  async function nothingCreated(): Promise<void> {
    const client = sb.client();
    assert.deepEqual((await client.send(new ListFunctionsCommand({}))).Functions, []);
  }

  it('refuses a request without a signature, with a garbage one and with a wrong secret', async () => {
    assertRefused(
      await send(url, 'POST', { 'content-type': 'application/json' }, CREATE_BODY),
      403,
      'MissingAuthenticationTokenException',
      /^Missing Authentication Token$/,
    );
    assertRefused(
      await send(
        url,
        'POST',
        { authorization: 'AWS4-HMAC-SHA256 nonsense', 'x-amz-date': '20260101T000000Z' },
        CREATE_BODY,
      ),
      403,
      'IncompleteSignatureException',
      /not a valid key=value pair/,
    );
    const wrong = await signedHeaders(sb.url, CREATE, { ...TEST_CREDENTIALS, secretAccessKey: 'guessed' });
    assertRefused(
      await send(url, 'POST', wrong, CREATE_BODY),
      403,
      'InvalidSignatureException',
      /signature we calculated does not match/,
    );
    const right = await signedHeaders(sb.url, CREATE, TEST_CREDENTIALS);
    assertRefused(
      await send(url, 'POST', right, CREATE_BODY.replace('planted', 'swapped')),
      403,
      'InvalidSignatureException',
      /does not match/,
    );
    await nothingCreated();
  });

  it('refuses a signature more than 15 minutes old', async () => {
    const old = await signedHeaders(sb.url, CREATE, TEST_CREDENTIALS, {
      signingDate: new Date(Date.now() - 16 * 60_000),
    });
    assertRefused(
      await send(url, 'POST', old, CREATE_BODY),
      403,
      'InvalidSignatureException',
      /^Signature expired: \d{8}T\d{6}Z is now earlier than/,
    );
    await nothingCreated();
  });

  it('refuses a well-signed request for another Host name (DNS rebinding) or carrying browser markers', async () => {
    const rebound = await signedHeaders(
      sb.url,
      { ...CREATE, headers: { ...CREATE.headers, host: `attacker.example:${sb.port}` } },
      TEST_CREDENTIALS,
    );
    assertRefused(
      await send(url, 'POST', rebound, CREATE_BODY),
      403,
      'AccessDeniedException',
      /not Host 'attacker\.example:\d+'/,
    );
    const markers: Record<string, string>[] = [
      { origin: 'null' },
      { origin: 'http://127.0.0.1:1' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const marker of markers) {
      const signed = await signedHeaders(
        sb.url,
        { ...CREATE, headers: { ...CREATE.headers, ...marker } },
        TEST_CREDENTIALS,
      );
      assertRefused(await send(url, 'POST', signed, CREATE_BODY), 403, 'AccessDeniedException', /web pages/);
    }
    assertRefused(
      await send(url, 'OPTIONS', { origin: 'http://evil.example', 'access-control-request-method': 'POST' }),
      403,
      'AccessDeniedException',
      /preflight|web pages/,
    );
    await nothingCreated();
  });

  it('answers an unsigned upload without waiting for its body', async () => {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 69_000_000 } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(64 * 1024, 0x20)); // the rest never comes: an answer proves the body was not awaited
    });
    assertRefused(answer, 403, 'MissingAuthenticationTokenException', /Missing Authentication Token/);
    assert.equal(answer.headers.connection, 'close');
  });

  it('accepts the SDK, a presigned request and the AWS CLI with the right secret; download URLs work only as given', async () => {
    const client = sb.client();
    await createActiveFunction(client, {
      FunctionName: 'fine',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handlerZip('def handler(e, c):\n    return 1\n') },
    });
    const presigned = await presignedUrl(
      sb.url,
      { method: 'GET', path: '/2015-03-31/functions/fine' },
      TEST_CREDENTIALS,
    );
    const viaQuery = await send(presigned, 'GET', {});
    assert.equal(viaQuery.status, 200, viaQuery.body);
    const cli = await awsCli(sb, ['get-function', '--function-name', 'fine']);
    assert.equal(cli.code, 0, cli.stderr);

    const location = (await client.send(new GetFunctionCommand({ FunctionName: 'fine' }))).Code!.Location!;
    assert.match(location, /X-Amz-Expires=600&X-Amz-Signature=[0-9a-f]{64}$/);
    assert.equal((await fetch(location)).status, 200);
    const bare = await send(location.split('?')[0], 'GET', {});
    assertRefused(bare, 403, 'AccessDenied', /requires the X-Amz-Date, X-Amz-Expires and X-Amz-Signature/);
    const forged = await send(location.replace(/.{8}$/, '00000000'), 'GET', {});
    assertRefused(forged, 403, 'AccessDenied', /does not match/);
  });
});

describe('unknown regions are refused', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await withSandbox();
  });
  after(() => sb.close());

  it('the endpoint names the region a client signed for, and acts on no other region', async () => {
    for (const region of ['eu-west1', 'mars-north-9']) {
      const client = lambdaClient(sb, region);
      try {
        await assert.rejects(
          client.send(
            new CreateFunctionCommand({
              FunctionName: 'typo',
              Runtime: 'python3.12',
              Role: TEST_ROLE,
              Handler: 'h.h',
              Code: { ZipFile: handlerZip('x = 1\n') },
            }),
          ),
          (e: Error & { $metadata?: { httpStatusCode?: number } }) =>
            e.name === 'InvalidSignatureException' &&
            e.$metadata?.httpStatusCode === 403 &&
            e.message.includes(`not '${region}'`),
        );
      } finally {
        client.destroy();
      }
    }
    assert.deepEqual((await sb.client().send(new ListFunctionsCommand({}))).Functions, [], 'us-east-1 untouched');
    assert.deepEqual((await sb.client('eu-west-1').send(new ListLayersCommand({}))).Layers, []);
  });

  it('the AWS CLI gets the same answer; our CLI refuses the flag before any call', async () => {
    const aws = await awsCli(sb, ['--region', 'mars-north-9', 'list-functions']);
    assert.notEqual(aws.code, 0);
    assert.match(aws.stderr, /InvalidSignatureException.*not 'mars-north-9'/s);
    const ours = await runCli(['invoke', 'anything', '--endpoint', sb.url, '--region', 'eu-west1']);
    assert.equal(ours.code, 1);
    assert.match(ours.stderr, /--region eu-west1 is not an AWS region\. Did you mean eu-west-1/);
  });
});
