import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scopeText } from '../../../src/fleet/scopeText';
import { partitionRegions } from '../../../src/aws/regions';

test('the scope reads as profile @ region, or @ N regions, or N profiles @ N regions', () => {
  assert.equal(scopeText('prod', ['eu-west-1']), 'prod @ eu-west-1');
  assert.equal(scopeText('prod', ['eu-west-1', 'us-east-1', 'ap-south-1']), 'prod @ 3 regions');
  assert.equal(scopeText('prod', ['eu-west-1', 'us-east-1'], ['prod', 'staging']), '2 profiles @ 2 regions');
  assert.equal(scopeText('prod', ['eu-west-1'], ['prod']), 'prod @ eu-west-1', 'one profile is just the name');
});

test("regions to pick come from the partition of the connection's region", () => {
  assert.deepEqual(partitionRegions('cn-north-1'), ['cn-north-1', 'cn-northwest-1']);
  assert.deepEqual(partitionRegions('us-gov-west-1'), ['us-gov-east-1', 'us-gov-west-1']);
  const commercial = partitionRegions('eu-west-1');
  assert.ok(
    commercial.includes('us-east-1') && commercial.includes('af-south-1') && !commercial.includes('cn-north-1'),
  );
  assert.deepEqual(partitionRegions('xx-new-1'), commercial, 'a region newer than the table: the commercial ones');
  assert.deepEqual(partitionRegions(undefined), commercial);
});
