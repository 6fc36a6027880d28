// Node.js functions on the local endpoint over HTTP with the real AWS SDK: CommonJS and ES module handlers, callback
// handlers, a package from an attached layer (require, createRequire, the absolute /opt path and a bare import),
// the Runtime.* errors, timeouts, console lines in the tail log and warm reuse. One sandbox for the whole file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvokeCommand,
  PublishLayerVersionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { resolveNode } from '../../../src/sandbox/runtime/node';
import {
  TEST_ROLE,
  createActiveFunction,
  makeZip,
  withSandbox,
  type TestSandbox,
  type ZipEntry,
} from '../../helpers/sandbox';

const json = (b: Uint8Array | undefined) =>
  JSON.parse(Buffer.from(b ?? []).toString('utf8')) as Record<string, unknown>;
const tail = (r: { LogResult?: string }) => Buffer.from(r.LogResult ?? '', 'base64').toString('utf8');

const CODE: ZipEntry[] = [
  {
    name: 'index.js',
    data: `let count = 0;
exports.handler = async (event, context) => {
  count++;
  console.log('hello from cjs', { count });
  return {
    count,
    event,
    requestId: context.awsRequestId,
    memory: context.memoryLimitInMB,
    functionName: context.functionName,
    arn: context.invokedFunctionArn,
    remaining: context.getRemainingTimeInMillis(),
    waits: context.callbackWaitsForEmptyEventLoop,
    env: { exec: process.env.AWS_EXECUTION_ENV, nodePath: process.env.NODE_PATH, root: process.env.LAMBDA_TASK_ROOT },
  };
};
exports.nested = { deeper: { fn: async () => 'nested' } };
exports.notFn = 42;
exports.thrower = async () => { throw new TypeError('bad input'); };
exports.slow = async () => new Promise((r) => setTimeout(() => r('late'), 5000));
exports.exits = async () => process.exit(3);
`,
  },
  {
    name: 'cb.js',
    data: `exports.handler = function (event, context, callback) {
  setTimeout(() => console.log('timer ran before the answer'), 20);
  callback(null, { via: 'callback', waits: context.callbackWaitsForEmptyEventLoop });
};
`,
  },
  {
    name: 'sync.js',
    data: 'exports.handler = (event, context) => ({ sync: true, succeed: typeof context.succeed });\n',
  },
  { name: 'app.mjs', data: `export const handler = async (event) => ({ esm: 'mjs', got: event.x });\n` },
  { name: 'mod/package.json', data: '{"type":"module"}' },
  {
    name: 'mod/index.js',
    data: `export const handler = async () => ({ esm: 'type-module', url: import.meta.url.startsWith('file://') });\n`,
  },
  { name: 'broken.js', data: 'exports.handler = async () => {\n' },
  {
    name: 'layered.js',
    data: `exports.handler = async () => ({ version: require('greeting').version, hello: require('greeting').hello('cjs') });\n`,
  },
  {
    name: 'layered.mjs',
    data: `import { createRequire } from 'node:module';
import direct from '/opt/nodejs/node_modules/greeting/index.js';
import bare from 'greeting';
const require = createRequire(import.meta.url);
export const handler = async () => ({
  viaCreateRequire: require('greeting').version,
  resolved: require.resolve('greeting'),
  viaAbsolutePath: direct.version,
  viaBareImport: bare.version,
});
`,
  },
];

const LAYER: ZipEntry[] = [
  {
    name: 'nodejs/node_modules/greeting/package.json',
    data: '{"name":"greeting","version":"2.3.4","main":"index.js"}',
  },
  {
    name: 'nodejs/node_modules/greeting/index.js',
    data: `exports.version = require('./package.json').version;\nexports.hello = (who) => 'hello ' + who;\n`,
  },
];

describe('Node.js functions on the local endpoint', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  let localMajor: number;
  const invoke = (name: string, payload: unknown = {}) =>
    c.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)), LogType: 'Tail' }));

  before(async () => {
    localMajor = (await resolveNode('nodejs20.x')).major;
    sb = await withSandbox({ updateDelayMs: 5 });
    c = sb.client();
    const layer = await c.send(
      new PublishLayerVersionCommand({ LayerName: 'greeting', Content: { ZipFile: makeZip(LAYER) } }),
    );
    const code = makeZip(CODE);
    const functions: Array<[string, string, Record<string, unknown>?]> = [
      ['cjs', 'index.handler'],
      ['nested', 'index.nested.deeper.fn'],
      ['callback', 'cb.handler'],
      ['mjs', 'app.handler'],
      ['typeModule', 'mod/index.handler'],
      ['layeredCjs', 'layered.handler', { Layers: [layer.LayerVersionArn!] }],
      ['missingModule', 'nowhere.handler'],
      ['syntax', 'broken.handler'],
      ['missingExport', 'index.absent'],
      ['notFunction', 'index.notFn'],
      ['malformed', '../index.handler'],
      ['thrower', 'index.thrower'],
      ['slow', 'index.slow', { Timeout: 1 }],
      ['exits', 'index.exits'],
      ['ownNodePath', 'index.handler', { Environment: { Variables: { NODE_PATH: '/mine' } } }],
      ['node24Callback', 'cb.handler', { Runtime: 'nodejs24.x' }],
      ['syncOn20', 'sync.handler'],
      ['syncOn24', 'sync.handler', { Runtime: 'nodejs24.x' }],
      ['node22', 'index.handler', { Runtime: 'nodejs22.x' }],
    ];
    await Promise.all(
      functions.map(([name, handler, extra]) =>
        createActiveFunction(c, {
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Role: TEST_ROLE,
          Handler: handler,
          Code: { ZipFile: code },
          ...extra,
        }),
      ),
    );
    // The .mjs handler of the same zip: layered.mjs is found after layered.js only when no .js exists, so its own function.
    await createActiveFunction(c, {
      FunctionName: 'layeredEsm',
      Runtime: 'nodejs20.x',
      Role: TEST_ROLE,
      Handler: 'layered.handler',
      Code: { ZipFile: makeZip(CODE.filter((e) => e.name !== 'layered.js')) },
      Layers: [layer.LayerVersionArn!],
    });
  });
  after(() => sb.close());

  it('runs a CommonJS async handler with Lambda context, environment and console lines, warm across invokes', async () => {
    const first = await invoke('cjs', { a: 1 });
    assert.equal(first.StatusCode, 200);
    assert.equal(first.FunctionError, undefined, tail(first));
    const body = json(first.Payload);
    assert.equal(body.count, 1);
    assert.deepEqual(body.event, { a: 1 });
    assert.equal(body.memory, '128');
    assert.equal(body.functionName, 'cjs');
    assert.equal(body.arn, 'arn:aws:lambda:us-east-1:123456789012:function:cjs');
    assert.ok((body.remaining as number) > 0 && (body.remaining as number) <= 3000);
    assert.equal(body.waits, true);
    const env = body.env as Record<string, string>;
    assert.equal(env.exec, 'AWS_Lambda_nodejs20.x');
    assert.equal(env.root, '/var/task');
    assert.equal(
      env.nodePath,
      '/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task',
    );
    const log = tail(first);
    const id = body.requestId as string;
    assert.match(log, new RegExp(`^INIT_START Runtime Version: local-nodejs:\\d+\\.\\d+\\.\\d+\\n`));
    assert.match(log, new RegExp(`START RequestId: ${id} Version: \\$LATEST\\n`));
    assert.match(
      log,
      new RegExp(
        `\\n\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${id}\\tINFO\\thello from cjs \\{ count: 1 \\}\\n`,
      ),
    );
    assert.match(
      log,
      new RegExp(`END RequestId: ${id}\\nREPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\t.*Init Duration`),
    );

    const second = await invoke('cjs');
    assert.equal(json(second.Payload).count, 2, 'module state survives in the warm environment');
    assert.doesNotMatch(tail(second), /INIT_START|Init Duration/);
  });

  it('resolves a nested export path', async () => {
    assert.equal(Buffer.from((await invoke('nested')).Payload!).toString(), '"nested"');
  });

  it('answers a callback handler once the event loop is empty', async () => {
    const r = await invoke('callback');
    assert.equal(r.FunctionError, undefined, tail(r));
    assert.deepEqual(json(r.Payload), { via: 'callback', waits: true });
    assert.match(tail(r), /\tINFO\ttimer ran before the answer\n[^]*END RequestId/);
  });

  it('loads .mjs handlers and .js handlers under "type": "module" as ES modules', async () => {
    assert.deepEqual(json((await invoke('mjs', { x: 5 })).Payload), { esm: 'mjs', got: 5 });
    assert.deepEqual(json((await invoke('typeModule')).Payload), { esm: 'type-module', url: true });
  });

  it('finds a layer package with require, createRequire, its absolute /opt path and a bare import', async () => {
    const cjs = await invoke('layeredCjs');
    assert.equal(cjs.FunctionError, undefined, tail(cjs));
    assert.deepEqual(json(cjs.Payload), { version: '2.3.4', hello: 'hello cjs' });
    const esm = await invoke('layeredEsm');
    assert.equal(esm.FunctionError, undefined, tail(esm));
    assert.deepEqual(json(esm.Payload), {
      viaCreateRequire: '2.3.4',
      resolved: '/opt/nodejs/node_modules/greeting/index.js',
      viaAbsolutePath: '2.3.4',
      viaBareImport: '2.3.4',
    });
  });

  it('reports load failures with the runtime interface client errorType and message', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['missingModule', 'Runtime.ImportModuleError', /^Error: Cannot find module 'nowhere'\nRequire stack:/],
      ['syntax', 'Runtime.UserCodeSyntaxError', /^SyntaxError: Unexpected end of input$/],
      ['missingExport', 'Runtime.HandlerNotFound', /^index\.absent is undefined or not exported$/],
      ['notFunction', 'Runtime.HandlerNotFound', /^index\.notFn is not a function$/],
      ['malformed', 'Runtime.MalformedHandlerName', /^'\.\.\/index\.handler' is not a valid handler name\./],
    ];
    for (const [name, type, message] of cases) {
      const r = await invoke(name);
      assert.equal(r.FunctionError, 'Unhandled', name);
      const err = json(r.Payload);
      assert.equal(err.errorType, type, name);
      assert.match(err.errorMessage as string, message, name);
      assert.ok(Array.isArray(err.trace), name);
      assert.match(tail(r), new RegExp(`\\tundefined\\tERROR\\tUncaught Exception \\t\\{"errorType":"${type}"`), name);
      assert.match(tail(r), new RegExp(`Status: error\\tError Type: ${type}`), name);
    }
  });

  it("reports a handler's thrown error as Lambda does: its own errorType, message and trace", async () => {
    const r = await invoke('thrower');
    assert.equal(r.FunctionError, 'Unhandled');
    const err = json(r.Payload);
    assert.equal(err.errorType, 'TypeError');
    assert.equal(err.errorMessage, 'bad input');
    assert.equal((err.trace as string[])[0], 'TypeError: bad input');
    assert.match((err.trace as string[])[1], /\/var\/task\/index\.js:/);
    assert.match(tail(r), /\tERROR\tInvoke Error \t\{"errorType":"TypeError","errorMessage":"bad input"/);
    assert.doesNotMatch(tail(r), /Error Type:/, "a handler's error is not a runtime failure");
  });

  it('times out, and process.exit ends the invocation with Runtime.ExitError', async () => {
    const slow = await invoke('slow');
    assert.equal(slow.FunctionError, 'Unhandled');
    assert.match(json(slow.Payload).errorMessage as string, /Task timed out after 1\.00 seconds$/);
    assert.match(tail(slow), /Status: timeout/);
    const exits = await invoke('exits');
    assert.equal(json(exits.Payload).errorType, 'Runtime.ExitError');
    assert.match(json(exits.Payload).errorMessage as string, /Runtime exited with error: exit status 3$/);
  });

  it("keeps the function's own NODE_PATH", async () => {
    const env = json((await invoke('ownNodePath')).Payload).env as Record<string, string>;
    assert.equal(env.nodePath, '/mine');
  });

  it('on nodejs24.x, refuses callback handlers and answers a plain return value, as its runtime client (v4) does', async () => {
    const r = await invoke('node24Callback');
    assert.equal(json(r.Payload).errorType, 'Runtime.CallbackHandlerDeprecated');
    assert.match(
      json(r.Payload).errorMessage as string,
      /removed support for callback-based function handlers starting with Node\.js 24/,
    );
    assert.deepEqual(json((await invoke('syncOn24')).Payload), { sync: true, succeed: 'undefined' });
    // Before 24 a non-async handler answers through its callback or context; a returned value is ignored.
    assert.equal(Buffer.from((await invoke('syncOn20')).Payload!).toString(), 'null');
  });

  it('runs another major with a warning naming both versions, and follows a runtime update', async () => {
    const r = await invoke('node22');
    assert.equal(r.FunctionError, undefined, tail(r));
    assert.equal((json(r.Payload).env as Record<string, string>).exec, 'AWS_Lambda_nodejs22.x');
    if (localMajor === 22) assert.doesNotMatch(tail(r), /SANDBOX_WARNING/);
    else {
      assert.match(tail(r), /SANDBOX_WARNING: function runtime is nodejs22\.x but it ran with local Node\.js \d+/);
      assert.match(tail(r), /Local Node\.js: [\d.]+ \(function runtime nodejs22\.x\)/);
    }
    await c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'node22', Runtime: 'nodejs18.x' }));
    await waitUntilFunctionUpdatedV2(
      { client: c, maxWaitTime: 30, minDelay: 0.2, maxDelay: 1 },
      { FunctionName: 'node22' },
    );
    const after = await invoke('node22');
    assert.equal((json(after.Payload).env as Record<string, string>).exec, 'AWS_Lambda_nodejs18.x');
  });
});
