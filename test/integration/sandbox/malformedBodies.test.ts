// Request bodies that are JSON but not the shapes the model says: a 400 naming the member, never a 500.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_ROLE, createActiveFunction, handlerZip, withSandbox, type TestSandbox } from '../../helpers/sandbox';
import { sendSigned } from '../../helpers/sigv4';

describe('JSON bodies of the wrong shape', () => {
  let sb: TestSandbox;
  before(async () => {
    sb = await withSandbox({ updateDelayMs: 5 });
    await createActiveFunction(sb.client(), {
      FunctionName: 'f',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.h',
      Code: { ZipFile: handlerZip('def h(e, c):\n    return e\n') },
    });
  });
  after(() => sb.close());

  const send = (method: string, path: string, body: unknown) =>
    sendSigned(sb.url, { method, path, body: JSON.stringify(body) }, sb.credentials);

  it('a body that is JSON null is a request without members, as an empty one', async () => {
    const cases: Array<[string, string, string]> = [
      ['POST', '/2015-03-31/functions', 'ValidationException'],
      ['PUT', '/2015-03-31/functions/f/code', 'InvalidParameterValueException'],
      ['POST', '/2015-03-31/functions/f/aliases', 'ValidationException'],
      ['PUT', '/2017-10-31/functions/f/concurrency', 'ValidationException'],
      ['POST', '/2018-10-31/layers/l/versions/1/policy', 'ValidationException'],
    ];
    for (const [method, path, type] of cases) {
      const asNull = await send(method, path, null);
      const asEmpty = await send(method, path, {});
      assert.equal(asNull.status, asEmpty.status, `${method} ${path}`);
      assert.equal(asNull.headers['x-amzn-errortype'], type, `${method} ${path}`);
      assert.equal(asNull.body, asEmpty.body, `${method} ${path}`);
    }
    // A null member is an absent one: the configuration is updated, not a 500.
    const updated = await send('PUT', '/2015-03-31/functions/f/configuration', { Environment: null, Timeout: 7 });
    assert.equal(updated.status, 200, updated.body);
  });

  it('a member of the wrong JSON type is a ValidationException naming it', async () => {
    for (const Layers of [5, true, {}, { a: 1 }]) {
      const r = await send('PUT', '/2015-03-31/functions/f/configuration', { Layers });
      assert.equal(r.status, 400, JSON.stringify(Layers));
      assert.equal(r.headers['x-amzn-errortype'], 'ValidationException');
      assert.match(r.body, /at 'layers'/);
    }
    for (const Principal of [5, true, [1], {}]) {
      const r = await send('POST', '/2018-10-31/layers/l/versions/1/policy', {
        StatementId: 's',
        Action: 'lambda:GetLayerVersion',
        Principal,
      });
      assert.equal(r.status, 400, JSON.stringify(Principal));
      assert.equal(r.headers['x-amzn-errortype'], 'ValidationException');
      assert.match(
        r.body,
        /at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern/,
      );
    }
  });
});
