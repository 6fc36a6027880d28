// The conformance checker (test/helpers/conformance.ts) on a small model of its own: every kind of mismatch it
// must report, and answers it must let through.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkAnswer, type Answer, type ServiceModel } from '../../helpers/conformance';
import { findLambdaModel } from '../../helpers/serviceModel';

const model: ServiceModel = {
  operations: {
    GetThing: {
      name: 'GetThing',
      http: { method: 'GET', requestUri: '/things/{Name}', responseCode: 200 },
      output: { shape: 'Thing' },
      errors: [{ shape: 'NotFound' }, { shape: 'BadValue' }],
    },
    DeleteThing: {
      name: 'DeleteThing',
      http: { method: 'DELETE', requestUri: '/things/{Name}', responseCode: 204 },
      errors: [],
    },
    Run: {
      name: 'Run',
      http: { method: 'POST', requestUri: '/run' },
      output: { shape: 'RunOutput' },
    },
  },
  shapes: {
    Thing: {
      type: 'structure',
      required: ['Name'],
      members: {
        Name: { shape: 'Name' },
        Size: { shape: 'Size' },
        Kind: { shape: 'Kind' },
        Tags: { shape: 'Tags' },
        Items: { shape: 'Items' },
        Enabled: { shape: 'Flag' },
        Created: { shape: 'Created' },
        Etag: { shape: 'Name', location: 'header', locationName: 'X-Etag' },
      },
    },
    Name: { type: 'string', pattern: '[a-z]+', min: 1, max: 5 },
    Size: { type: 'long', min: 0, max: 10 },
    Kind: { type: 'string', enum: ['a', 'b'] },
    Tags: { type: 'map', key: { shape: 'Name' }, value: { shape: 'Kind' } },
    Items: { type: 'list', member: { shape: 'Size' }, max: 2 },
    Flag: { type: 'boolean' },
    Created: { type: 'timestamp' },
    RunOutput: {
      type: 'structure',
      members: {
        StatusCode: { shape: 'Size', location: 'statusCode' },
        Version: { shape: 'Name', location: 'header', locationName: 'X-Version' },
        Payload: { shape: 'Payload' },
      },
      payload: 'Payload',
    },
    Payload: { type: 'blob' },
    NotFound: {
      type: 'structure',
      members: { Type: { shape: 'Text' }, Message: { shape: 'Text' } },
      error: { httpStatusCode: 404 },
      exception: true,
    },
    BadValue: {
      type: 'structure',
      members: { Type: { shape: 'Text' }, message: { shape: 'Text' } },
      error: { httpStatusCode: 400 },
      exception: true,
    },
    Text: { type: 'string' },
  },
};

const ok = (body: unknown, headers: Answer['headers'] = {}, status = 200): Answer => ({
  status,
  headers,
  body: JSON.stringify(body),
});
const error = (status: number, code: string | undefined, body: unknown): Answer => ({
  status,
  headers: code ? { 'x-amzn-errortype': code } : {},
  body: JSON.stringify(body),
});
const check = (op: string, a: Answer) => checkAnswer(model, op, a);

describe('conformance checker: outputs', () => {
  it('lets a conforming answer through', () => {
    const thing = {
      Name: 'abc',
      Size: 3,
      Kind: 'a',
      Tags: { xy: 'b' },
      Items: [1, 2],
      Enabled: true,
      Created: 1700000000,
    };
    assert.deepEqual(check('GetThing', ok(thing, { 'x-etag': 'abc' })), []);
    assert.deepEqual(check('DeleteThing', { status: 204, headers: {}, body: '' }), []);
  });

  it('reports unknown members, missing required ones, wrong types, enums, patterns, lengths and ranges', () => {
    const problems = check(
      'GetThing',
      ok({ Size: 11, Kind: 'c', Extra: 1, Items: [1, 2, 3], Enabled: 'yes', Created: 'soon' }),
    );
    const expected = [
      /Extra is not a member of Thing/,
      /required member Name of Thing is missing/,
      /body.Size: 11 is above Size's maximum 10/,
      /body.Kind: "c" is not one of Kind's values/,
      /body.Items: 3 entries, more than Items's maximum 2/,
      /body.Enabled: expected a boolean/,
      /body.Created: expected a unixTimestamp timestamp/,
    ];
    for (const re of expected)
      assert.ok(
        problems.some((p) => re.test(p)),
        `${re} in ${problems.join('\n')}`,
      );
    assert.equal(problems.length, expected.length, problems.join('\n'));
    assert.match(check('GetThing', ok({ Name: 'ABC' })).join(), /does not match Name's pattern/);
    assert.match(check('GetThing', ok({ Name: 'abcdef' })).join(), /longer than Name's maximum 5/);
    assert.match(check('GetThing', ok({ Name: '' })).join(), /shorter than Name's minimum 1/);
    assert.match(check('GetThing', ok({ Name: 'a', Size: 1.5 })).join(), /expected an integer/);
    assert.match(
      check('GetThing', ok({ Name: 'a', Tags: { Q: 'a' } })).join(),
      /body.Tags key "Q": "Q" does not match/,
    );
    assert.match(
      check('GetThing', ok({ Name: 'a' }, { 'x-etag': 'NOPE' })).join(),
      /header X-Etag: "NOPE" does not match/,
    );
  });

  it('reports a wrong status, a body where there is none and a body that is not JSON', () => {
    assert.match(check('GetThing', ok({ Name: 'a' }, {}, 201)).join(), /status 201, the model says 200/);
    assert.match(
      check('DeleteThing', { status: 204, headers: {}, body: '{}' }).join(),
      /a body \(2 bytes\) where the model has none/,
    );
    assert.match(check('GetThing', { status: 200, headers: {}, body: '<xml/>' }).join(), /body is not JSON/);
  });

  it('takes a raw payload as it is, any 2xx when the output has a status member, and checks its headers', () => {
    assert.deepEqual(check('Run', { status: 202, headers: { 'x-version': 'abc' }, body: 'not json at all' }), []);
    assert.match(
      check('Run', { status: 200, headers: { 'x-version': '$LATEST' }, body: '' }).join(),
      /header X-Version/,
    );
  });
});

describe('conformance checker: errors', () => {
  it('lets listed errors with their status, header and message field through, and the unmodelled ones AWS sends', () => {
    assert.deepEqual(check('GetThing', error(404, 'NotFound', { Type: 'User', Message: 'gone' })), []);
    assert.deepEqual(
      check('GetThing', error(400, 'BadValue:http://internal.amazon.com/coral/', { Type: 'User', message: 'bad' })),
      [],
    );
    assert.deepEqual(
      check('GetThing', error(400, 'ValidationException', { message: '1 validation error detected' })),
      [],
    );
    assert.deepEqual(
      check('GetThing', error(403, 'AccessDeniedException', { Message: 'User: x is not authorized' })),
      [],
    );
  });

  it('reports an error the operation does not list, a wrong status, a missing header and a misspelt message field', () => {
    assert.match(
      check('DeleteThing', error(404, 'NotFound', { Message: 'x' })).join(),
      /NotFound is not an error DeleteThing answers/,
    );
    assert.match(
      check('GetThing', error(400, 'NotFound', { Message: 'x' })).join(),
      /NotFound with status 400, the model says 404/,
    );
    assert.match(
      check('GetThing', error(404, undefined, { Message: 'x' })).join(),
      /without an x-amzn-ErrorType header/,
    );
    const misspelt = check('GetThing', error(404, 'NotFound', { Type: 'User', message: 'x' }));
    assert.ok(
      misspelt.some((p) => /message is not a member of NotFound/.test(p)),
      misspelt.join('\n'),
    );
    assert.ok(
      misspelt.some((p) => /NotFound body has no Message/.test(p)),
      misspelt.join('\n'),
    );
    assert.match(
      check('GetThing', error(400, 'ValidationException', { Type: 'User', message: 'x' })).join(),
      /ValidationException body has Type besides message/,
    );
    assert.match(check('GetThing', error(413, 'RequestEntityTooLargeException', {})).join(), /body has no message/);
  });
});

describe('finding the service model', () => {
  it('fails saying so when LAMBDA_SERVICE_MODEL names a file that is not there, instead of skipping', () => {
    const saved = process.env.LAMBDA_SERVICE_MODEL;
    process.env.LAMBDA_SERVICE_MODEL = '/nonexistent/service-2.json';
    try {
      assert.throws(() => findLambdaModel(), /LAMBDA_SERVICE_MODEL=\/nonexistent\/service-2.json does not exist/);
    } finally {
      if (saved === undefined) delete process.env.LAMBDA_SERVICE_MODEL;
      else process.env.LAMBDA_SERVICE_MODEL = saved;
    }
  });
});
