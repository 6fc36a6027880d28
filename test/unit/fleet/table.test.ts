import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rolloutLine, rolloutTable } from '../../../src/fleet/table';
import type { RolloutRow } from '../../../src/fleet/rollout';

const rows: RolloutRow[] = [
  { target: 'us-east-1', region: 'us-east-1', function: 'a', from: 'L:1', to: 'L:2', result: 'updated', canary: true },
  {
    target: 'eu-west-1',
    region: 'eu-west-1',
    function: 'b',
    from: 'L:1',
    to: 'L:3',
    result: 'failed',
    canary: false,
    reason: 'said "no", twice\nreally',
  },
];

test('the rollout table saves as CSV with quoting and as JSON', () => {
  assert.equal(
    rolloutTable(rows, 'csv'),
    'region,target,function,from,to,result,canary,reason\r\n' +
      'us-east-1,us-east-1,a,L:1,L:2,updated,true,\r\n' +
      'eu-west-1,eu-west-1,b,L:1,L:3,failed,false,"said ""no"", twice\nreally"\r\n',
  );
  const json = JSON.parse(rolloutTable(rows, 'json')) as RolloutRow[];
  assert.deepEqual(json[1], {
    region: 'eu-west-1',
    target: 'eu-west-1',
    function: 'b',
    from: 'L:1',
    to: 'L:3',
    result: 'failed',
    canary: false,
    reason: 'said "no", twice\nreally',
  });
  assert.equal(rolloutLine(rows[0], rows[0].result), 'us-east-1 a L:1 -> L:2 updated');
});
