import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLayerVersionArn, rememberRecent } from '../../../src/ops/externalLayer';

const PANDAS = 'arn:aws:lambda:us-east-1:336392948345:layer:AWSSDKPandas-Python312:16';

const message = (input: string, region = 'us-east-1') => {
  const r = checkLayerVersionArn(input, region);
  assert.equal(r.ok, false, `${input} should be refused`);
  return (r as { message: string }).message;
};

test("a public layer of another account in the function's region is accepted, surrounding spaces ignored", () => {
  const r = checkLayerVersionArn(`  ${PANDAS}\n`, 'us-east-1');
  assert.ok(r.ok);
  assert.equal(r.arn, PANDAS);
  assert.deepEqual(r.ref, {
    layerArn: 'arn:aws:lambda:us-east-1:336392948345:layer:AWSSDKPandas-Python312',
    region: 'us-east-1',
    account: '336392948345',
    name: 'AWSSDKPandas-Python312',
    version: 16,
  });
});

test('other partitions are layer ARNs too', () => {
  assert.ok(checkLayerVersionArn('arn:aws-cn:lambda:cn-north-1:123456789012:layer:x:1', 'cn-north-1').ok);
});

test('a layer of another region is refused with both regions named', () => {
  const m = message(PANDAS.replace('us-east-1', 'eu-west-1'));
  assert.match(m, /eu-west-1/);
  assert.match(m, /us-east-1/);
});

test('empty input, garbage, function ARNs and unversioned layer ARNs get their own messages', () => {
  assert.match(message('   '), /Paste a layer version ARN/);
  assert.match(message('pandas'), /Not a layer version ARN/);
  assert.match(message('arn:aws:lambda:us-east-1:123456789012:function:my-fn'), /function ARN/);
  assert.match(message(PANDAS.replace(/:16$/, '')), /no version.*:1\./);
  assert.match(message(PANDAS.replace(/:16$/, ':latest')), /Not a layer version ARN/);
});

test('the account must be 12 digits and the version at least 1', () => {
  assert.match(message('arn:aws:lambda:us-east-1:12345:layer:x:1'), /12 digits.*12345/);
  assert.match(message('arn:aws:lambda:us-east-1:123456789012:layer:x:0'), /start at 1/);
});

test("layer names keep to Lambda's characters and length", () => {
  assert.match(message('arn:aws:lambda:us-east-1:123456789012:layer:a.b:1'), /Not a layer version ARN/);
  assert.match(message(`arn:aws:lambda:us-east-1:123456789012:layer:${'a'.repeat(141)}:1`), /Not a layer version ARN/);
});

test('recent ARNs: newest first, no duplicates, bounded', () => {
  assert.deepEqual(rememberRecent(['a', 'b', 'c'], 'b'), ['b', 'a', 'c']);
  assert.deepEqual(rememberRecent([], 'a'), ['a']);
  assert.deepEqual(rememberRecent(['a', 'b', 'c'], 'd', 3), ['d', 'a', 'b']);
});
