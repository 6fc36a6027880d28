import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  attachLayer,
  detachLayer,
  moveLayer,
  NotApplicableError,
  replaceVersion,
  updateToVersion,
} from '../../../src/ops/layerList';
import { UserError } from '../../../src/util/errors';

const L = (name: string, v: number, account = '111111111111') =>
  `arn:aws:lambda:us-east-1:${account}:layer:${name}:${v}`;

test('attach replaces another version of the same layer in place and keeps the others in order', () => {
  const current = [L('a', 1), L('b', 3), L('c', 2)];
  assert.deepEqual(attachLayer(current, L('b', 7)), [L('a', 1), L('b', 7), L('c', 2)]);
  assert.deepEqual(attachLayer(current, L('b', 1)), [L('a', 1), L('b', 1), L('c', 2)], 'downgrade also in place');
});

test('attach appends a new layer and leaves an identical list unchanged', () => {
  assert.deepEqual(attachLayer([L('a', 1)], L('d', 1)), [L('a', 1), L('d', 1)]);
  assert.deepEqual(attachLayer([L('a', 1)], L('a', 1)), [L('a', 1)]);
});

test('a same-named layer of another account is a different layer', () => {
  assert.deepEqual(attachLayer([L('a', 1)], L('a', 2, '222222222222')), [L('a', 1), L('a', 2, '222222222222')]);
});

test('attach refuses a sixth layer with the reason, but replacing in a full list is fine', () => {
  const five = ['a', 'b', 'c', 'd', 'e'].map((n) => L(n, 1));
  assert.throws(
    () => attachLayer(five, L('f', 1)),
    (e: unknown) => e instanceof UserError && /at most 5 layers/.test(e.message) && /6/.test(e.message),
  );
  assert.deepEqual(attachLayer(five, L('c', 9))[2], L('c', 9));
});

test('attach refuses something that is not a layer version ARN', () => {
  assert.throws(() => attachLayer([], 'arn:aws:lambda:us-east-1:111111111111:layer:a'), UserError);
  assert.throws(() => attachLayer([], 'numpy'), UserError);
});

test('detach by version ARN, layer ARN or name', () => {
  const current = [L('a', 1), L('b', 3), L('c', 2)];
  assert.deepEqual(detachLayer(current, L('b', 3)), [L('a', 1), L('c', 2)]);
  assert.deepEqual(detachLayer(current, 'arn:aws:lambda:us-east-1:111111111111:layer:b'), [L('a', 1), L('c', 2)]);
  assert.deepEqual(detachLayer(current, 'c'), [L('a', 1), L('b', 3)]);
  assert.deepEqual(detachLayer([L('a', 1)], 'a'), []);
});

test('detach of something not attached is not applicable; an ambiguous name is refused', () => {
  assert.throws(() => detachLayer([L('a', 1)], L('a', 2)), NotApplicableError);
  assert.throws(() => detachLayer([L('a', 1)], 'zzz'), NotApplicableError);
  assert.throws(
    () => detachLayer([L('a', 1), L('a', 1, '222222222222')], 'a'),
    (e: unknown) => e instanceof UserError && !(e instanceof NotApplicableError) && /layer ARN/.test(e.message),
  );
});

test('move up and down, a no-op at the ends', () => {
  const current = [L('a', 1), L('b', 1), L('c', 1)];
  assert.deepEqual(moveLayer(current, L('b', 1), 'up'), [L('b', 1), L('a', 1), L('c', 1)]);
  assert.deepEqual(moveLayer(current, L('b', 1), 'down'), [L('a', 1), L('c', 1), L('b', 1)]);
  assert.deepEqual(moveLayer(current, L('a', 1), 'up'), current);
  assert.deepEqual(moveLayer(current, L('c', 1), 'down'), current);
  assert.throws(() => moveLayer(current, L('x', 1), 'up'), NotApplicableError);
});

test('update to a version replaces in place; not attached is not applicable', () => {
  assert.deepEqual(updateToVersion([L('a', 1), L('b', 1)], L('a', 4)), [L('a', 4), L('b', 1)]);
  assert.throws(() => updateToVersion([L('b', 1)], L('a', 4)), NotApplicableError);
});

test('replaceVersion only replaces exactly the previewed version', () => {
  assert.deepEqual(replaceVersion([L('x', 1), L('a', 1)], L('a', 1), L('a', 3)), [L('x', 1), L('a', 3)]);
  assert.deepEqual(replaceVersion([L('a', 3)], L('a', 1), L('a', 3)), [L('a', 3)], 'already there: unchanged');
  assert.throws(() => replaceVersion([L('a', 2)], L('a', 1), L('a', 3)), NotApplicableError);
});
