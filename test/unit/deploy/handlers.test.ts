import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  codeLanguage,
  defaultRuntime,
  findHandlerFunctions,
  functionNameFrom,
  handlerModuleFiles,
  handlerString,
  isUsualHandlerName,
  validateFunctionName,
} from '../../../src/deploy/handlers';
import { UserError } from '../../../src/util/errors';

test('handlers are the top-level functions taking (event, context), usual names first', () => {
  const source = [
    'import flask',
    'def helper(x):',
    '    return x',
    'def other(event, context):',
    '    pass',
    'def lambda_handler(event, context):',
    '    return {"flask_version": flask.__version__}',
    'class C:',
    '    def method(self, event):',
    '        pass',
    '    def nested(event, context):',
    '        pass',
    'async def handler(event: dict, context: object = None) -> dict:',
    '    return {}',
    'def three(a, b, c):',
    '    pass',
  ].join('\n');
  assert.deepEqual(findHandlerFunctions(source), ['lambda_handler', 'handler', 'other']);
  assert.deepEqual(findHandlerFunctions('x = 1\n'), []);
});

test('handler strings, function names from folders and their validation', () => {
  assert.equal(handlerString('lambda_function.py', 'lambda_handler'), 'lambda_function.lambda_handler');
  assert.equal(handlerString('pkg/app.py', 'main'), 'pkg.app.main');
  assert.equal(handlerString('pkg\\app.py', 'main'), 'pkg.app.main');
  assert.equal(functionNameFrom('testFlaskLayer'), 'testFlaskLayer');
  assert.equal(functionNameFrom('my app (v2)'), 'my-app-v2');
  assert.equal(functionNameFrom('...'), 'my-function');
  assert.equal(functionNameFrom('x'.repeat(80)).length, 64);
  assert.equal(validateFunctionName('testFlaskLayer'), undefined);
  assert.equal(validateFunctionName('a_b-C9'), undefined);
  assert.match(validateFunctionName('') ?? '', /1-64/);
  assert.match(validateFunctionName('has space') ?? '', /1-64/);
  assert.match(validateFunctionName('x'.repeat(65)) ?? '', /1-64/);
});

test('Node.js handlers are the exported functions of each export form, usual names first', () => {
  const node = (source: string) => findHandlerFunctions(source, 'nodejs');
  assert.deepEqual(node('exports.handler = async (event) => event;'), ['handler']);
  assert.deepEqual(node('module.exports.handler = function (event, context) {};'), ['handler']);
  assert.deepEqual(node('const handler = async () => 1;\nmodule.exports = { handler };'), ['handler']);
  assert.deepEqual(
    node(
      'module.exports = {\n  other: run,\n  async main(event) { return { a: [1, 2] }; },\n  config: { a: 1 },\n  ...rest,\n  handler,\n};',
    ),
    ['handler', 'main', 'other'],
  );
  assert.deepEqual(node('export const handler = async (event) => ({ ok: true });'), ['handler']);
  assert.deepEqual(node('export async function handler(event, context) {}'), ['handler']);
  assert.deepEqual(node('export function* gen() {}\nexport function lambdaHandler(e) {}'), ['lambdaHandler', 'gen']);
  assert.deepEqual(node('async function run() {}\nexport { run as handler, other, x as default };'), [
    'handler',
    'other',
  ]);
  assert.deepEqual(node("export const handler = middy(base).use(json());\nexport const name = 'x';"), ['handler']);
});

test('Node.js exports that are plain values, commented out or quoted are not handlers', () => {
  const node = (source: string) => findHandlerFunctions(source, 'nodejs');
  assert.deepEqual(
    node(
      [
        "exports.config = { region: 'x' };",
        "exports.version = '1.0';",
        'exports.limit = 3;',
        "exports.lib = require('lib');",
        'exports.client = new Client();',
        '// exports.handler = async () => 1;',
        '/* export const old = async () => 1;',
        '   export function older() {} */',
        "const s = 'exports.quoted = () => 1';",
        'const t = `export function templated() {}`;',
        'if (exports.flag == other) {}',
        'foo.exports.notModule = () => 1;',
        'export const real = (e) => e; // export const trailing = 1',
      ].join('\n'),
    ),
    ['real'],
  );
  assert.deepEqual(node('const x = 1;'), []);
});

test('the language of a handler file, and which names are usual', () => {
  assert.equal(codeLanguage('/w/app.py'), 'python');
  assert.equal(codeLanguage('C:\\w\\index.JS'), 'nodejs');
  assert.equal(codeLanguage('src/app.mjs'), 'nodejs');
  assert.equal(codeLanguage('src/app.cjs'), 'nodejs');
  assert.equal(codeLanguage('src/app.ts'), undefined);
  assert.equal(codeLanguage('Makefile'), undefined);
  assert.equal(isUsualHandlerName('lambda_handler', 'python'), true);
  assert.equal(isUsualHandlerName('lambda_handler', 'nodejs'), false);
  assert.equal(isUsualHandlerName('handler', 'nodejs'), true);
});

test('Node.js handler strings keep folders and drop the extension; dotted file names are refused', () => {
  assert.equal(handlerString('index.js', 'handler'), 'index.handler');
  assert.equal(handlerString('src/app.mjs', 'handler'), 'src/app.handler');
  assert.equal(handlerString('src\\lambda\\app.cjs', 'main'), 'src/lambda/app.main');
  assert.throws(
    () => handlerString('my.app.js', 'handler'),
    (e: unknown) => e instanceof UserError && /dots/.test(e.message),
  );
});

test('the files a handler may load, per language', () => {
  assert.deepEqual(handlerModuleFiles('lambda_function.lambda_handler', 'python'), ['lambda_function.py']);
  assert.deepEqual(handlerModuleFiles('pkg.app.handler', 'python'), ['pkg/app.py']);
  assert.deepEqual(handlerModuleFiles('pkg/app.handler', 'python'), ['pkg/app.py']);
  assert.equal(handlerModuleFiles('nodot', 'python'), undefined);
  assert.deepEqual(handlerModuleFiles('index.handler', 'nodejs'), ['index', 'index.js', 'index.mjs', 'index.cjs']);
  assert.deepEqual(handlerModuleFiles('src/v1.2/app.handler.nested', 'nodejs'), [
    'src/v1.2/app',
    'src/v1.2/app.js',
    'src/v1.2/app.mjs',
    'src/v1.2/app.cjs',
  ]);
  assert.deepEqual(handlerModuleFiles('./index.handler', 'nodejs')?.[1], 'index.js');
  assert.equal(handlerModuleFiles('index', 'nodejs'), undefined);
  assert.equal(handlerModuleFiles('index.', 'nodejs'), undefined);
  assert.equal(handlerModuleFiles('src/.handler', 'nodejs'), undefined);
  assert.equal(handlerModuleFiles('../up.handler', 'nodejs'), undefined);
});

test('a new function defaults to python3.12, or the newest Node.js runtime for JavaScript code', () => {
  assert.equal(defaultRuntime('python'), 'python3.12');
  assert.equal(defaultRuntime('nodejs'), 'nodejs24.x');
});
