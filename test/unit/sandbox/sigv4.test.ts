import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  canonicalPath,
  canonicalQuery,
  checkSignatureTime,
  readSignature,
  verifySignature,
  type ReceivedRequest,
} from '../../../src/sandbox/auth/sigv4';
import type { ApiError } from '../../../src/sandbox/wire';
import { presignedUrl, signedHeaders, type RawRequest } from '../../helpers/sigv4';

const ENDPOINT = 'http://127.0.0.1:4566';
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** What the endpoint receives for a request the SDK's signer signed. */
async function received(
  r: RawRequest,
  options: { secret?: string; region?: string; signingDate?: Date } = {},
): Promise<ReceivedRequest> {
  const headers = await signedHeaders(
    ENDPOINT,
    r,
    { ...KEYS, secretAccessKey: options.secret ?? KEYS.secretAccessKey },
    options,
  );
  const query = Object.entries(r.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`))
    .join('&');
  return { method: r.method, url: query ? `${r.path}?${query}` : r.path, rawHeaders: Object.entries(headers).flat() };
}

function verify(req: ReceivedRequest, body: string | Buffer = '', secret = KEYS.secretAccessKey): void {
  verifySignature(req, readSignature(req, 'lambda'), secret, sha256(body));
}

const code = (name: string, message?: RegExp) => (e: ApiError) => {
  assert.equal(e.code, name);
  assert.equal(e.status, 403);
  if (message) assert.match(e.message, message);
  return true;
};

const INVOKE_PATH = `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:123456789012:function:my-fn')}/invocations`;

describe('SigV4 verification of requests the SDK signs', () => {
  it('accepts an Invoke of a function ARN (":" percent-encoded in the path) with its JSON body', async () => {
    const body = '{"name":"world"}';
    const req = await received({
      method: 'POST',
      path: INVOKE_PATH,
      headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
      body,
    });
    verify(req, body);
  });

  it('accepts query parameters whatever their order and encoding (a Marker holding +, / and =)', async () => {
    const req = await received({
      method: 'GET',
      path: '/2015-03-31/functions/',
      query: { MaxItems: '50', Marker: 'ab+c/d==', FunctionVersion: 'ALL' },
    });
    verify(req);
    const reordered = { ...req, url: '/2015-03-31/functions/?Marker=ab%2Bc%2Fd%3D%3D&FunctionVersion=ALL&MaxItems=50' };
    verify(reordered);
  });

  it('refuses a wrong secret, a changed body, path, query or signed header with InvalidSignatureException', async () => {
    const body = '{"a":1}';
    const req = await received({
      method: 'POST',
      path: INVOKE_PATH,
      query: { q: '1' },
      headers: { 'x-amz-log-type': 'Tail' },
      body,
    });
    assert.throws(
      () => verify(req, body, 'not-the-secret'),
      code(
        'InvalidSignatureException',
        /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key/,
      ),
    );
    assert.throws(
      () => verify(req, '{"a":2}'),
      code('InvalidSignatureException', /The Canonical String for this request should have been/),
    );
    assert.throws(
      () => verify({ ...req, url: req.url.replace('my-fn', 'other') }, body),
      code('InvalidSignatureException'),
    );
    assert.throws(
      () => verify({ ...req, url: req.url.replace('q=1', 'q=2') }, body),
      code('InvalidSignatureException'),
    );
    const tampered = req.rawHeaders.map((v, i) => (req.rawHeaders[i - 1] === 'x-amz-log-type' ? 'None' : v));
    assert.throws(() => verify({ ...req, rawHeaders: tampered }, body), code('InvalidSignatureException'));
    assert.throws(() => verify({ ...req, method: 'PUT' }, body), code('InvalidSignatureException'));
  });

  it('accepts a presigned request (X-Amz-* query parameters) and refuses it once expired', async () => {
    const signingDate = new Date('2026-01-01T12:00:00Z');
    const url = new URL(
      await presignedUrl(ENDPOINT, { method: 'GET', path: '/2015-03-31/functions/f' }, KEYS, {
        signingDate,
        expiresIn: 60,
      }),
    );
    const req: ReceivedRequest = { method: 'GET', url: `${url.pathname}${url.search}`, rawHeaders: ['Host', url.host] };
    const claim = readSignature(req, 'lambda');
    assert.equal(claim.form, 'query');
    verifySignature(req, claim, KEYS.secretAccessKey, sha256(''));
    checkSignatureTime(claim, new Date('2026-01-01T12:00:59Z'));
    assert.throws(
      () => checkSignatureTime(claim, new Date('2026-01-01T12:01:01Z')),
      code('InvalidSignatureException', /^Signature expired/),
    );
    const forged = { ...req, url: req.url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`) };
    assert.throws(
      () => verifySignature(forged, readSignature(forged, 'lambda'), KEYS.secretAccessKey, sha256('')),
      code('InvalidSignatureException'),
    );
  });

  it('trusts an UNSIGNED-PAYLOAD declaration but not a declared hash that differs from the body', async () => {
    const req = await received({ method: 'POST', path: '/2018-10-31/layers/l/versions', body: 'UNSIGNED-PAYLOAD' });
    verify(req, 'any body at all');
    const declared = await received({
      method: 'POST',
      path: '/2018-10-31/layers/l/versions',
      headers: { 'x-amz-content-sha256': sha256('one') },
      body: 'one',
    });
    verify(declared, 'one');
    assert.throws(() => verify(declared, 'two'), code('InvalidSignatureException', /x-amz-content-sha256/));
  });
});

describe('requests without a usable signature', () => {
  const bare = (headers: Record<string, string>, url = '/2015-03-31/functions/'): ReceivedRequest => ({
    method: 'GET',
    url,
    rawHeaders: Object.entries({ Host: '127.0.0.1:4566', ...headers }).flat(),
  });

  it('answers MissingAuthenticationTokenException when there is no signature at all', () => {
    assert.throws(
      () => readSignature(bare({}), 'lambda'),
      code('MissingAuthenticationTokenException', /^Missing Authentication Token$/),
    );
  });

  it('answers IncompleteSignatureException naming what is missing, as AWS does', () => {
    assert.throws(
      () =>
        readSignature(
          bare({ Authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request' }),
          'lambda',
        ),
      code(
        'IncompleteSignatureException',
        /requires 'Signature' parameter\. .*requires 'SignedHeaders' parameter\. .*either a 'X-Amz-Date' or a 'Date' header/,
      ),
    );
    assert.throws(
      () => readSignature(bare({ Authorization: 'Basic dXNlcjpwYXNz' }), 'lambda'),
      code('IncompleteSignatureException', /Unsupported AWS 'algorithm': 'Basic'/),
    );
    assert.throws(
      () =>
        readSignature(bare({ Authorization: 'AWS4-HMAC-SHA256 garbage', 'X-Amz-Date': '20260101T000000Z' }), 'lambda'),
      code('IncompleteSignatureException', /'garbage' not a valid key=value pair/),
    );
    assert.throws(
      () =>
        readSignature(
          bare({}, '/2015-03-31/functions/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T000000Z'),
          'lambda',
        ),
      code('IncompleteSignatureException', /must include 'X-Amz-Credential'.*must include 'X-Amz-Signature'/),
    );
    const signed = (scope: string, signedHeaders = 'host;x-amz-date') =>
      bare({
        Authorization: `AWS4-HMAC-SHA256 Credential=AKID/${scope}, SignedHeaders=${signedHeaders}, Signature=${'a'.repeat(64)}`,
        'X-Amz-Date': '20260101T000000Z',
      });
    assert.throws(
      () => readSignature(signed('20260101/us-east-1/s3/aws4_request'), 'lambda'),
      code('IncompleteSignatureException', /scoped to correct service: 'lambda'/),
    );
    assert.throws(
      () => readSignature(signed('20260101/us-east-1/lambda/aws4_request', 'x-amz-date'), 'lambda'),
      code('IncompleteSignatureException', /'Host'.*must be a 'SignedHeader'/),
    );
    assert.throws(
      () => readSignature(signed('20260102/us-east-1/lambda/aws4_request'), 'lambda'),
      code('InvalidSignatureException', /'20260102' != '20260101'/),
    );
    assert.throws(
      () => readSignature(signed('us-east-1/lambda/aws4_request'), 'lambda'),
      code('IncompleteSignatureException', /at least 5 slash-separated parts/),
    );
  });

  it('refuses a credential scope naming a region AWS does not have, and suggests the closest ones', () => {
    const scoped = (region: string) =>
      bare({
        Authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/${region}/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'a'.repeat(64)}`,
        'X-Amz-Date': '20260101T000000Z',
      });
    assert.throws(
      () => readSignature(scoped('eu-west1'), 'lambda'),
      code('InvalidSignatureException', /valid region, not 'eu-west1'\. Did you mean eu-west-1/),
    );
    assert.throws(
      () => readSignature(scoped('mars-north-9'), 'lambda'),
      code('InvalidSignatureException', /not 'mars-north-9'/),
    );
    for (const region of ['us-east-1', 'us-gov-west-1', 'cn-northwest-1', 'ap-southeast-7'])
      assert.equal(readSignature(scoped(region), 'lambda').region, region);
  });

  it('refuses a signature dated more than 15 minutes from the clock, either way', async () => {
    const signingDate = new Date('2026-01-01T12:00:00Z');
    const claim = readSignature(
      await received({ method: 'GET', path: '/2015-03-31/functions/' }, { signingDate }),
      'lambda',
    );
    checkSignatureTime(claim, new Date('2026-01-01T12:14:59Z'));
    checkSignatureTime(claim, new Date('2026-01-01T11:45:01Z'));
    assert.throws(
      () => checkSignatureTime(claim, new Date('2026-01-01T12:15:01Z')),
      code(
        'InvalidSignatureException',
        /^Signature expired: 20260101T120000Z is now earlier than 20260101T120001Z \(20260101T121501Z - 15 min\.\)$/,
      ),
    );
    assert.throws(
      () => checkSignatureTime(claim, new Date('2026-01-01T11:44:59Z')),
      code('InvalidSignatureException', /^Signature not yet current: 20260101T120000Z is still later than/),
    );
  });
});

describe('canonical request pieces (hand-made vectors)', () => {
  it('encodes the already-encoded path a second time, segment by segment, after removing dot and empty segments', () => {
    assert.equal(canonicalPath(''), '/');
    assert.equal(canonicalPath('/'), '/');
    assert.equal(
      canonicalPath('/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations'),
      '/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A1%253Afunction%253Af/invocations',
    );
    assert.equal(canonicalPath('/a/./b//c/../d/'), '/a/b/d/');
    assert.equal(canonicalPath("/x y/!'()*~"), '/x%20y/%21%27%28%29%2A~');
    assert.equal(canonicalPath('/x%20y'), '/x%2520y');
  });

  it('sorts query parameters by name then value, encoded the RFC 3986 way', () => {
    assert.equal(canonicalQuery('b=2&a=1&a=0&c', false), 'a=0&a=1&b=2&c=');
    assert.equal(canonicalQuery('Marker=ab%2Bc%2Fd%3D%3D&MaxItems=5', false), 'Marker=ab%2Bc%2Fd%3D%3D&MaxItems=5');
    assert.equal(canonicalQuery('k=a b&k2=%7e%21', false), 'k=a%20b&k2=~%21');
    assert.equal(canonicalQuery('X-Amz-Signature=abc&X-Amz-Date=1', true), 'X-Amz-Date=1');
    assert.equal(canonicalQuery('', false), '');
  });

  it('reproduces the AWS SigV4 test suite signatures (get-vanilla, get-vanilla-query-order-key-case)', () => {
    const vanilla = (url: string, signature: string): ReceivedRequest => ({
      method: 'GET',
      url,
      rawHeaders: [
        'Host',
        'example.amazonaws.com',
        'X-Amz-Date',
        '20150830T123600Z',
        'Authorization',
        `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
      ],
    });
    for (const [url, signature] of [
      ['/', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
      ['/?Param2=value2&Param1=value1', 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'],
    ]) {
      const req = vanilla(url, signature);
      verifySignature(req, readSignature(req, 'service'), KEYS.secretAccessKey, sha256(''));
    }
  });
});
