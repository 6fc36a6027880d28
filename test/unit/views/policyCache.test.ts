import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyCache } from '../../../src/views/policyCache';
import type { VersionPolicy } from '../../../src/ops/sharing';

const row = { layerName: 'deps', version: 1, arn: 'arn:aws:lambda:us-east-1:123456789012:layer:deps:1' };

function deferred() {
  let resolve!: (p: VersionPolicy) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<VersionPolicy>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

test('loads once on first ask, then tells the row; errors become a message', async () => {
  const loads: ReturnType<typeof deferred>[] = [];
  const refreshed: string[] = [];
  const cache = new PolicyCache(
    () => (loads.push(deferred()), loads[loads.length - 1].promise),
    (e) => `failed: ${String(e)}`,
    (r) => refreshed.push(r.arn),
  );
  assert.deepEqual(cache.get(row), { status: 'loading' });
  assert.deepEqual(cache.get(row), { status: 'loading' });
  assert.equal(loads.length, 1, 'one load per version, however often the tree asks');
  loads[0].resolve({ grants: [{ kind: 'public', statementId: 'public' }] });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(refreshed, [row.arn]);
  assert.deepEqual(cache.get(row), { status: 'loaded', grants: [{ kind: 'public', statementId: 'public' }] });

  cache.forget(row.arn); // after a change: the row is refreshed and asks again
  assert.deepEqual(refreshed, [row.arn, row.arn]);
  assert.deepEqual(cache.get(row), { status: 'loading' });
  loads[1].reject('AccessDenied');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(cache.get(row), { status: 'error', message: 'failed: AccessDenied' });
});

test('an answer to a forgotten load is dropped: only the newest load counts', async () => {
  const loads: ReturnType<typeof deferred>[] = [];
  const cache = new PolicyCache(
    () => (loads.push(deferred()), loads[loads.length - 1].promise),
    String,
    () => {},
  );
  cache.get(row);
  cache.forget();
  cache.get(row);
  loads[1].resolve({ grants: [] });
  loads[0].resolve({ grants: [{ kind: 'public', statementId: 'stale' }] });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(cache.get(row), { status: 'loaded', grants: [] });
});
