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

  it('a member of the wrong JSON type is refused before it is stored (a restart would quarantine the record)', async () => {
    const zip = handlerZip('def h(e, c):\n    return e\n').toString('base64');
    const fn = { FunctionName: 'g', Runtime: 'python3.12', Role: TEST_ROLE, Handler: 'a.b', Code: { ZipFile: zip } };
    const wrong: Array<[string, string, Record<string, unknown>, string]> = [
      ['POST', '/2015-03-31/functions', { ...fn, Description: 5 }, 'Description'],
      ['POST', '/2015-03-31/functions', { ...fn, Timeout: '7' }, 'Timeout'],
      ['POST', '/2015-03-31/functions', { ...fn, Architectures: 'x86_64' }, 'Architectures'],
      ['POST', '/2015-03-31/functions', { ...fn, EphemeralStorage: { Size: '1024' } }, 'EphemeralStorage.Size'],
      ['POST', '/2015-03-31/functions', { ...fn, Environment: { Variables: { A: 1 } } }, 'Environment.Variables'],
      ['PUT', '/2015-03-31/functions/f/configuration', { MemorySize: '256' }, 'MemorySize'],
      ['POST', '/2015-03-31/functions/f/versions', { Description: 5 }, 'Description'],
      [
        'POST',
        '/2015-03-31/functions/f/aliases',
        { Name: 'a', FunctionVersion: '$LATEST', Description: 5 },
        'Description',
      ],
      ['PUT', '/2015-03-31/functions/f/aliases/a', { Description: [] }, 'Description'],
      ['POST', '/2018-10-31/layers/l/versions', { Content: { ZipFile: zip }, Description: 5 }, 'Description'],
      [
        'POST',
        '/2018-10-31/layers/l/versions',
        { Content: { ZipFile: zip }, CompatibleRuntimes: 'python3.12' },
        'CompatibleRuntimes',
      ],
    ];
    for (const [method, path, body, member] of wrong) {
      const r = await send(method, path, body);
      assert.equal(r.status, 400, `${path} ${member}`);
      assert.equal(r.headers['x-amzn-errortype'], 'InvalidParameterValueException');
      assert.match(r.body, new RegExp(`Could not parse request body into json: '${member}' must be of type`));
    }
    const g = await sendSigned(sb.url, { method: 'GET', path: '/2015-03-31/functions/g' }, sb.credentials);
    assert.equal(g.status, 404, 'nothing was created');
    const aliases = await sendSigned(
      sb.url,
      { method: 'GET', path: '/2015-03-31/functions/f/aliases' },
      sb.credentials,
    );
    assert.deepEqual(JSON.parse(aliases.body).Aliases, [], 'no alias was created');
    const config = await sendSigned(
      sb.url,
      { method: 'GET', path: '/2015-03-31/functions/f/configuration' },
      sb.credentials,
    );
    assert.equal(typeof JSON.parse(config.body).MemorySize, 'number');
  });

  it('a member of the wrong JSON type is a 400 naming it', async () => {
    for (const Layers of [5, true, {}, { a: 1 }]) {
      const r = await send('PUT', '/2015-03-31/functions/f/configuration', { Layers });
      assert.equal(r.status, 400, JSON.stringify(Layers));
      assert.equal(r.headers['x-amzn-errortype'], 'InvalidParameterValueException');
      assert.match(r.body, /Could not parse request body into json: 'Layers' must be of type strings/);
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
