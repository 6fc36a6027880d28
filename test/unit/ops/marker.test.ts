import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMarker, withMarker } from '../../../src/ops/marker';

const SHA = 'ab'.repeat(32);

test('the marker records hash and tool version and parses back', () => {
  const d = withMarker('requests 2.32.3', SHA, '1.2.3');
  assert.equal(d, 'requests 2.32.3 [lambda-layers sha256:abababababababab v1.2.3]');
  assert.deepEqual(parseMarker(d), { sha256: 'abababababababab', toolVersion: '1.2.3', text: 'requests 2.32.3' });
  assert.equal(withMarker('', SHA, '1.2.3'), '[lambda-layers sha256:abababababababab v1.2.3]');
});

test('a long description is shortened so the whole stays within 256 characters', () => {
  const d = withMarker('x'.repeat(300), SHA);
  assert.equal(d.length, 256);
  assert.match(d, /x… \[lambda-layers sha256:[0-9a-f]{16} v[\d.]+\]$/);
  assert.equal(parseMarker(d)?.sha256, SHA.slice(0, 16));
});

test('marking again replaces the old marker instead of stacking them', () => {
  const once = withMarker('deps', SHA, '0.1.0');
  const twice = withMarker(once, 'cd'.repeat(32), '0.2.0');
  assert.equal(twice, 'deps [lambda-layers sha256:cdcdcdcdcdcdcdcd v0.2.0]');
});

test('descriptions without a marker, or with a malformed one, have none', () => {
  assert.equal(parseMarker(undefined), undefined);
  assert.equal(parseMarker('deps 1.0'), undefined);
  assert.equal(parseMarker('[lambda-layers sha256:XYZ v1]'), undefined);
  assert.equal(parseMarker('[lambda-layers sha256:abababab v1] trailing'), undefined);
});
