import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAMBDA_REGIONS, closestRegions, isKnownRegion, unknownRegionProblem } from '../../../src/aws/regions';

test('the table holds the commercial, GovCloud and China regions, each once', () => {
  for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-7', 'mx-central-1', 'us-gov-west-1', 'cn-northwest-1'])
    assert.ok(isKnownRegion(region), region);
  for (const name of ['eu-west1', 'mars-north-9', 'US-EAST-1', 'us-east-1 ', '', 'global', 'us-east-99'])
    assert.equal(isKnownRegion(name), false, name);
  assert.equal(new Set(LAMBDA_REGIONS).size, LAMBDA_REGIONS.length);
});

test('a mistyped region gets the closest real ones, nearest first', () => {
  assert.equal(closestRegions('eu-west1')[0], 'eu-west-1');
  assert.equal(closestRegions('us-esat-1')[0], 'us-east-1');
  assert.equal(closestRegions('US-GOV-WEST-1')[0], 'us-gov-west-1');
  assert.equal(closestRegions('mars-north-9').length, 3);
});

test('the CLI message names the flag, the region and the suggestions; a known region has no problem', () => {
  assert.equal(unknownRegionProblem('eu-central-1', '--region'), undefined);
  assert.match(
    unknownRegionProblem('eu-west1', '--region')!,
    /^--region eu-west1 is not an AWS region\. Did you mean eu-west-1, /,
  );
  assert.match(
    unknownRegionProblem('mars-north-9')!,
    /"mars-north-9" \(from the profile or AWS_REGION\) is not an AWS region/,
  );
});
