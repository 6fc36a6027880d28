import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  findHandlerFunctions,
  functionNameFrom,
  handlerString,
  validateFunctionName,
} from '../../../src/deploy/handlers';

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
