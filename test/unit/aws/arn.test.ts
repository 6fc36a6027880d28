import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arnAccount, isSameLayer, parseLayerArn } from '../../../src/aws/arn';

const LAYER = 'arn:aws:lambda:us-west-2:123456789012:layer:deps';

test('parseLayerArn: a version ARN gives its layer ARN, name, region, account and version', () => {
  assert.deepEqual(parseLayerArn(`${LAYER}:7`), {
    layerArn: LAYER,
    name: 'deps',
    region: 'us-west-2',
    account: '123456789012',
    version: 7,
  });
});

test('parseLayerArn: a layer ARN without version has no version', () => {
  const ref = parseLayerArn(LAYER);
  assert.equal(ref?.layerArn, LAYER);
  assert.equal(ref?.version, undefined);
  assert.equal('version' in ref!, false);
});

test('parseLayerArn: other partitions; names with _ and -', () => {
  assert.deepEqual(parseLayerArn('arn:aws-cn:lambda:cn-north-1:000000000001:layer:my_layer-2:12'), {
    layerArn: 'arn:aws-cn:lambda:cn-north-1:000000000001:layer:my_layer-2',
    name: 'my_layer-2',
    region: 'cn-north-1',
    account: '000000000001',
    version: 12,
  });
});

test('parseLayerArn: anything else is undefined', () => {
  for (const text of [
    'deps',
    '',
    `${LAYER}:`,
    `${LAYER}:x`,
    `${LAYER}:1:2`,
    'arn:aws:lambda:us-west-2:123456789012:function:deps',
    'arn:aws:lambda:us-west-2:123456789012:layer:no.dot:1',
  ]) {
    assert.equal(parseLayerArn(text), undefined, text);
  }
});

test('isSameLayer: versions of one layer match; non-ARNs compare as strings', () => {
  assert.equal(isSameLayer(`${LAYER}:1`, `${LAYER}:2`), true);
  assert.equal(isSameLayer(`${LAYER}:1`, LAYER), true);
  assert.equal(isSameLayer(`${LAYER}:1`, 'arn:aws:lambda:us-west-2:123456789012:layer:other:1'), false);
  assert.equal(isSameLayer('deps', 'deps'), true);
  assert.equal(isSameLayer('deps', `${LAYER}:1`), false);
});

test('arnAccount: the fifth field of any ARN', () => {
  assert.equal(arnAccount(`${LAYER}:3`), '123456789012');
  assert.equal(arnAccount('not-an-arn'), undefined);
});
