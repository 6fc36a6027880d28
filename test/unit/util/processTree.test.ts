import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { killPlan, spawnDetached } from '../../../src/util/processTree';

describe('killPlan', () => {
  it('walks the tree with taskkill /T /F on Windows', () => {
    assert.deepEqual(killPlan('win32', 42, 'SIGTERM'), {
      kind: 'taskkill',
      command: 'taskkill',
      args: ['/pid', '42', '/T', '/F'],
    });
    assert.equal(spawnDetached('win32'), false);
  });

  for (const platform of ['linux', 'darwin'] as const) {
    it(`signals the process group on ${platform}`, () => {
      assert.deepEqual(killPlan(platform, 42, 'SIGTERM'), { kind: 'group', pgid: 42, signal: 'SIGTERM' });
      assert.equal(spawnDetached(platform), true);
    });
  }
});
