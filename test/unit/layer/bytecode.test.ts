import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workerCount } from '../../../src/layer/bytecode';

test('bytecode workers: one per core for a big job, fewer when the work would not pay for starting them', () => {
  assert.equal(workerCount(10_000_000, 2), 2);
  assert.equal(workerCount(10_000_000, 8), 8);
  assert.equal(workerCount(40_000, 8), 1, 'a small wheel stays on one worker');
  assert.equal(workerCount(600_000, 8), 3);
  assert.equal(workerCount(0, 4), 1);
});
