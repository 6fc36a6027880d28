// The pure parts of the Node.js runtime: which runtimes it runs, versions and flags, NODE_PATH, the launch
// command per platform, and the handler contract inside bootstrap.cjs (parsing, lookup order, errors).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapFile } from '../../../src/sandbox/runtime/bootstrapFile';
import { lambdaEnv } from '../../../src/sandbox/runtime/env';
import { runtimeLanguage } from '../../../src/sandbox/runtime/language';
import {
  lambdaNodePath,
  nodeFlags,
  nodeMismatch,
  runtimeNodeMajor,
  withMovedStdio,
} from '../../../src/sandbox/runtime/node';

interface Bootstrap {
  parseHandler(h: string): { moduleRoot: string; moduleName: string; handlerPath: string };
  lookupOrder(file: string, typeModule: boolean): Array<{ file: string; how: 'require' | 'import' }>;
  hasTypeModule(folder: string): boolean;
  loadHandler(appRoot: string, handler: string, nodeMajor: number): Promise<(...a: unknown[]) => unknown>;
  toRapidResponse(e: unknown): Record<string, unknown>;
}

const SANDBOXED = { task: '/var/task', opt: '/opt', runtime: '/var/runtime', systemPath: '/usr/bin' };

describe('Node.js runtimes', () => {
  it('knows which runtimes are Node.js and which major they stand for', () => {
    assert.equal(runtimeNodeMajor('nodejs22.x'), 22);
    assert.equal(runtimeNodeMajor('nodejs18.x'), 18);
    assert.equal(runtimeNodeMajor('nodejs'), undefined);
    assert.equal(runtimeNodeMajor('python3.12'), undefined);
    assert.equal(runtimeLanguage('nodejs24.x'), 'node');
    assert.equal(runtimeLanguage('python3.12'), 'python');
    assert.equal(runtimeLanguage('java21'), undefined);
    assert.equal(runtimeLanguage(undefined), undefined);
  });

  it('states a version mismatch, saying which Node a runtime needs when the local one is older', () => {
    assert.equal(nodeMismatch('nodejs20.x', { version: '20.20.2', major: 20 }), undefined);
    assert.equal(
      nodeMismatch('nodejs22.x', { version: '20.20.2', major: 20 }),
      'function runtime is nodejs22.x but it ran with local Node.js 20.20.2; nodejs22.x needs Node.js 22, so newer language features and APIs may be missing here',
    );
    assert.match(nodeMismatch('nodejs18.x', { version: '20.1.0', major: 20 })!, /newer Node\.js versions may differ$/);
  });

  it("adds Lambda's disabling flags per runtime, only those the local node accepts, unless NODE_OPTIONS re-enables", () => {
    const all = ['--no-experimental-require-module', '--no-experimental-detect-module'];
    assert.deepEqual(nodeFlags('nodejs18.x', all), []);
    assert.deepEqual(nodeFlags('nodejs20.x', all), ['--no-experimental-require-module']);
    assert.deepEqual(nodeFlags('nodejs22.x', all), all);
    assert.deepEqual(nodeFlags('nodejs24.x', all), []);
    assert.deepEqual(nodeFlags('nodejs22.x', ['--no-experimental-detect-module']), ['--no-experimental-detect-module']);
    assert.deepEqual(nodeFlags('nodejs22.x', all, '--max-old-space-size=100 --experimental-require-module'), [
      '--no-experimental-detect-module',
    ]);
  });

  it('builds NODE_PATH as Lambda does, from the folders the handler sees', () => {
    assert.equal(
      lambdaNodePath('nodejs22.x', SANDBOXED, 'linux'),
      '/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task',
    );
    assert.equal(
      lambdaNodePath('nodejs18.x', { task: '/c/task', opt: '/c/opt', runtime: '/tmp/rt' }, 'darwin'),
      '/c/opt/nodejs/node18/node_modules:/c/opt/nodejs/node_modules:/tmp/rt/node_modules:/tmp/rt:/c/task',
    );
    assert.equal(
      lambdaNodePath('nodejs20.x', { task: 'C:\\c\\task', opt: 'C:\\c\\opt', runtime: 'C:\\rt' }, 'win32'),
      'C:\\c\\opt\\nodejs\\node20\\node_modules;C:\\c\\opt\\nodejs\\node_modules;C:\\rt\\node_modules;C:\\rt;C:\\c\\task',
    );
  });

  it("sets NODE_PATH only when the function's own environment does not", () => {
    const base = {
      paths: SANDBOXED,
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      memoryMb: 256,
      functionName: 'f',
      region: 'us-east-1',
      platform: 'linux' as const,
      runtimeDefaults: { NODE_PATH: '/opt/nodejs/node22/node_modules' },
    };
    const env = lambdaEnv(base);
    assert.equal(env.NODE_PATH, '/opt/nodejs/node22/node_modules');
    assert.equal(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs22.x');
    assert.equal(env.LAMBDA_TASK_ROOT, '/var/task');
    assert.equal(lambdaEnv({ ...base, userEnv: { NODE_PATH: '/mine' } }).NODE_PATH, '/mine');
  });

  it('moves the pipes off 0-2 through a shell where there is one, and leaves Windows commands alone', () => {
    const cmd = ['/usr/bin/node', '/var/runtime/bootstrap.cjs'];
    assert.deepEqual(withMovedStdio('win32', cmd), cmd);
    for (const platform of ['linux', 'darwin'] as const) {
      const wrapped = withMovedStdio(platform, cmd);
      assert.deepEqual(wrapped.slice(0, 2), ['/bin/sh', '-c']);
      assert.match(wrapped[2], /^exec 3<&0 4>&1 5>&2 0<\/dev\/null 1>&2; exec "\$@" --stdio=3,4,5$/);
      assert.deepEqual(wrapped.slice(3), ['sh', ...cmd]);
    }
  });
});

describe('bootstrap.cjs handler contract', () => {
  let b: Bootstrap;
  let root: string;

  before(async () => {
    // Required from where the endpoint writes it (outside src/, so as code): it then exports instead of running.
    b = createRequire(__filename)(await bootstrapFile('node')) as Bootstrap;
    root = await fs.mkdtemp(join(tmpdir(), 'node-contract-'));
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  const write = async (rel: string, text: string) => {
    await fs.mkdir(join(root, rel, '..'), { recursive: true });
    await fs.writeFile(join(root, rel), text);
  };
  const errorOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return e as Error;
    }
    assert.fail('expected a rejection');
  };

  it('parses the handler string: module up to the first dot, the rest a property path, no ".."', () => {
    assert.deepEqual(b.parseHandler('index.handler'), { moduleRoot: '', moduleName: 'index', handlerPath: 'handler' });
    assert.deepEqual(b.parseHandler('src/app/main.api.v1.handle'), {
      moduleRoot: 'src/app/',
      moduleName: 'main',
      handlerPath: 'api.v1.handle',
    });
    for (const bad of ['index', '../index.handler', 'a/..b.handler']) {
      assert.throws(
        () => b.parseHandler(bad),
        (e: Error) => e.name === 'Runtime.MalformedHandlerName',
        bad,
      );
    }
  });

  it('tries files in the runtime client order, .js as ESM only under "type": "module"', () => {
    const order = (typeModule: boolean) => b.lookupOrder('/t/app', typeModule).map((c) => `${c.file} ${c.how}`);
    assert.deepEqual(order(false), ['/t/app require', '/t/app.js require', '/t/app.mjs import', '/t/app.cjs require']);
    assert.deepEqual(order(true), ['/t/app require', '/t/app.js import', '/t/app.mjs import', '/t/app.cjs require']);
  });

  it('finds "type": "module" in the nearest package.json, stopping at node_modules', async () => {
    await write('esm/package.json', '{"type":"module"}');
    await write('esm/deep/x.js', '');
    await write('esm/node_modules/dep/x.js', '');
    await write('cjs/package.json', '{"type":"commonjs"}');
    await write('cjs/sub/esm/package.json', '{"type":"module"}');
    assert.equal(b.hasTypeModule(join(root, 'esm', 'deep')), true);
    assert.equal(b.hasTypeModule(join(root, 'esm', 'node_modules', 'dep')), false);
    assert.equal(b.hasTypeModule(join(root, 'cjs', 'sub')), false);
    assert.equal(b.hasTypeModule(join(root, 'cjs', 'sub', 'esm')), true);
  });

  it('loads the first file of the lookup order and the nested export', async () => {
    await write('order/a.js', 'exports.h = () => "js"; exports.o = { p: { q: () => "nested" } };');
    await write('order/a.mjs', 'export const h = () => "mjs";');
    await write('order/b.mjs', 'export const h = () => "mjs";');
    await write('order/b.cjs', 'exports.h = () => "cjs";');
    await write('order/c.cjs', 'exports.h = () => "cjs";');
    const call = async (h: string) => (await b.loadHandler(join(root, 'order'), h, 20))();
    assert.equal(await call('a.h'), 'js');
    assert.equal(await call('a.o.p.q'), 'nested');
    assert.equal(await call('b.h'), 'mjs');
    assert.equal(await call('c.h'), 'cjs');
  });

  // Syntax errors are checked over HTTP (nodeRuntime integration test): tsx, loaded in this process, compiles
  // required .js files itself and throws its own TransformError for them.
  it("names load failures as the runtime client does (an ES module's missing import stays a plain Error)", async () => {
    await write('fail/needs.js', 'require("not-installed-anywhere"); exports.h = () => 1;');
    await write('fail/needs.mjs', 'import "not-installed-anywhere"; export const h = () => 1;');
    await write('fail/ok.js', 'exports.value = 1; exports.cb = (e, c, callback) => callback(null, 1);');
    const dir = join(root, 'fail');
    const cases: Array<[string, string, RegExp]> = [
      ['missing.h', 'Runtime.ImportModuleError', /^Error: Cannot find module 'missing'/],
      ['needs.h', 'Runtime.ImportModuleError', /^Error: Cannot find module 'not-installed-anywhere'/],
      ['ok.absent', 'Runtime.HandlerNotFound', /^ok\.absent is undefined or not exported$/],
      ['ok.value', 'Runtime.HandlerNotFound', /^ok\.value is not a function$/],
    ];
    for (const [handler, name, message] of cases) {
      const e = await errorOf(b.loadHandler(dir, handler, 20));
      assert.equal(e.name, name, handler);
      assert.match(e.message, message, handler);
    }
    await fs.rm(join(dir, 'needs.js'));
    const esm = await errorOf(b.loadHandler(dir, 'needs.h', 20));
    assert.equal(esm.name, 'Error');
    assert.equal((esm as NodeJS.ErrnoException).code, 'ERR_MODULE_NOT_FOUND');
  });

  it('refuses callback handlers from Node.js 24 on, and accepts them before', async () => {
    const dir = join(root, 'fail');
    assert.equal(typeof (await b.loadHandler(dir, 'ok.cb', 22)), 'function');
    const e = await errorOf(b.loadHandler(dir, 'ok.cb', 24));
    assert.equal(e.name, 'Runtime.CallbackHandlerDeprecated');
  });

  it("turns errors and thrown values into Lambda's error payload", () => {
    const te = b.toRapidResponse(new TypeError('bad'));
    assert.equal(te.errorType, 'TypeError');
    assert.equal(te.errorMessage, 'bad');
    assert.equal((te.trace as string[])[0], 'TypeError: bad');
    assert.deepEqual(b.toRapidResponse('plain'), { errorType: 'string', errorMessage: 'plain', trace: [] });
    assert.deepEqual(b.toRapidResponse(42), { errorType: 'number', errorMessage: '42', trace: [] });
  });
});
