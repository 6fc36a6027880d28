import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mutateFunctionLayers, type MutateProgress } from '../../../src/ops/mutateLayers';
import { attachLayer, detachLayer } from '../../../src/ops/layerList';
import { UserError, CancelledError } from '../../../src/util/errors';
import { FakeGateway } from '../../helpers/fakeGateway';

const L = (name: string, v: number) => `arn:aws:lambda:us-east-1:123456789012:layer:${name}:${v}`;
const fast = { conflictBackoffMs: 1 };

test('applies the change, waits for Successful, reports progress', async () => {
  const gw = new FakeGateway();
  gw.addFunction('f', { layers: [L('a', 1)] });
  const progress: MutateProgress['phase'][] = [];
  const r = await mutateFunctionLayers(gw, 'f', (c) => attachLayer(c, L('b', 1)), {
    ...fast,
    onProgress: (p) => progress.push(p.phase),
  });
  assert.equal(r.kind, 'updated');
  assert.deepEqual(gw.layersOf('f'), [L('a', 1), L('b', 1)]);
  assert.equal(r.configuration.LastUpdateStatus, 'Successful');
  assert.deepEqual(progress, ['reading', 'updating', 'waiting', 'done']);
  assert.deepEqual(gw.calls, ['get f', 'update f', 'wait f']);
});

test('no call to UpdateFunctionConfiguration when nothing changes, nor when the 5-layer limit would be passed', async () => {
  const gw = new FakeGateway();
  gw.addFunction('f', { layers: ['a', 'b', 'c', 'd', 'e'].map((n) => L(n, 1)) });
  assert.equal((await mutateFunctionLayers(gw, 'f', (c) => attachLayer(c, L('a', 1)))).kind, 'unchanged');
  await assert.rejects(
    mutateFunctionLayers(gw, 'f', (c) => attachLayer(c, L('z', 1))),
    UserError,
  );
  assert.ok(!gw.calls.includes('update f'));
});

test('412: re-reads and re-applies only our change on top of the concurrent one', async () => {
  const gw = new FakeGateway();
  gw.addFunction('f', { layers: [L('a', 1)] });
  // Someone else attaches c and bumps a between our read and our write.
  gw.beforeUpdate = (_name, call) => {
    if (call === 1) gw.externalUpdate('f', [L('a', 2), L('c', 1)]);
  };
  const progress: MutateProgress[] = [];
  const r = await mutateFunctionLayers(gw, 'f', (c) => attachLayer(c, L('b', 1)), {
    ...fast,
    onProgress: (p) => progress.push(p),
  });
  assert.equal(r.kind, 'updated');
  assert.deepEqual(gw.layersOf('f'), [L('a', 2), L('c', 1), L('b', 1)]);
  assert.deepEqual(gw.calls, ['get f', 'update f', 'get f', 'update f', 'wait f']);
  assert.ok(progress.some((p) => p.phase === 'retrying' && p.reason === 'revision-changed'));
});

test('412: our detach is re-applied and does not resurrect what the other writer removed', async () => {
  const gw = new FakeGateway();
  gw.addFunction('f', { layers: [L('a', 1), L('b', 1), L('c', 1)] });
  gw.beforeUpdate = (_n, call) => {
    if (call === 1) gw.externalUpdate('f', [L('a', 1), L('b', 1)]);
  };
  await mutateFunctionLayers(gw, 'f', (c) => detachLayer(c, L('a', 1)), fast);
  assert.deepEqual(gw.layersOf('f'), [L('b', 1)]);
});

test('412 forever: gives up after the bounded number of rounds with a UserError', async () => {
  const gw = new FakeGateway();
  gw.addFunction('f');
  gw.beforeUpdate = (_n, call) => gw.externalUpdate('f', [L('x', call)]);
  await assert.rejects(
    mutateFunctionLayers(gw, 'f', (c) => attachLayer(c, L('b', 1)), { ...fast, maxRevisionRetries: 3 }),
    /kept changing/,
  );
  assert.equal(gw.calls.filter((c) => c === 'update f').length, 4);
});

test('409: waits for the update in progress, then re-reads and applies', async () => {
  const gw = new FakeGateway();
  gw.addFunction('f');
  gw.externalUpdate('f', [L('a', 1)], true);
  const r = await mutateFunctionLayers(gw, 'f', (c) => attachLayer(c, L('b', 1)), fast);
  assert.equal(r.kind, 'updated');
  assert.deepEqual(gw.layersOf('f'), [L('a', 1), L('b', 1)]);
  assert.deepEqual(gw.calls, ['get f', 'update f', 'wait f', 'get f', 'update f', 'wait f']);
});

test('409 that never clears: bounded by the total conflict wait', async () => {
  const gw = new FakeGateway();
  gw.addFunction('f');
  gw.externalUpdate('f', [L('a', 1)], true);
  gw.settles = false;
  const started = Date.now();
  await assert.rejects(
    mutateFunctionLayers(gw, 'f', (c) => attachLayer(c, L('b', 1)), { conflictBackoffMs: 20, maxConflictWaitMs: 300 }),
    (e: unknown) => e instanceof UserError && /still being updated/.test(e.message),
  );
  assert.ok(Date.now() - started < 2000);
});

test('an update that ends Failed is reported with its reason', async () => {
  const gw = new FakeGateway();
  gw.addFunction('f');
  gw.failNextUpdate('f', 'Layer extraction failed: disk full');
  await assert.rejects(
    mutateFunctionLayers(gw, 'f', (c) => attachLayer(c, L('b', 1)), fast),
    (e: unknown) => e instanceof UserError && /disk full/.test(e.message),
  );
});

test('an aborted signal stops before any call', async () => {
  const gw = new FakeGateway();
  gw.addFunction('f');
  await assert.rejects(
    mutateFunctionLayers(gw, 'f', (c) => attachLayer(c, L('b', 1)), { signal: AbortSignal.abort() }),
    CancelledError,
  );
  assert.deepEqual(gw.calls, []);
});

test('a cancel while reading stops before the update is sent: nothing changes', async () => {
  const gw = new FakeGateway();
  gw.addFunction('f', { layers: [L('a', 1)] });
  const ac = new AbortController();
  const read = gw.getFunctionConfiguration.bind(gw);
  gw.getFunctionConfiguration = async (name) => {
    const config = await read(name);
    ac.abort(); // Ctrl+C while the read was in flight
    return config;
  };
  await assert.rejects(
    mutateFunctionLayers(gw, 'f', (c) => attachLayer(c, L('b', 1)), { signal: ac.signal }),
    CancelledError,
  );
  assert.deepEqual(gw.calls, ['get f']);
  assert.deepEqual(gw.layersOf('f'), [L('a', 1)]);
});

test('a cancel once the update was sent reports the change as applied, with the new list', async () => {
  const gw = new FakeGateway();
  gw.addFunction('f', { layers: [L('a', 1), L('b', 1)] });
  const ac = new AbortController();
  gw.beforeUpdate = () => ac.abort(); // Ctrl+C while UpdateFunctionConfiguration was in flight
  const r = await mutateFunctionLayers(gw, 'f', (c) => detachLayer(c, L('a', 1)), { signal: ac.signal });
  assert.equal(r.kind, 'updated');
  assert.ok(r.kind === 'updated' && r.cancelledWhileApplying);
  assert.deepEqual(r.kind === 'updated' && r.after, [L('b', 1)]);
  assert.deepEqual(gw.layersOf('f'), [L('b', 1)]);
  assert.deepEqual(gw.calls, ['get f', 'update f', 'wait f']);
});

test('other errors pass through untouched', async () => {
  const gw = new FakeGateway();
  await assert.rejects(
    mutateFunctionLayers(gw, 'missing', (c) => attachLayer(c, L('b', 1))),
    { name: 'ResourceNotFoundException' },
  );
});

test('options passed as undefined keep their defaults', async () => {
  const gw = new FakeGateway();
  gw.addFunction('f');
  gw.beforeUpdate = (_n, call) => {
    if (call === 1) gw.externalUpdate('f', [L('x', 1)]);
  };
  const r = await mutateFunctionLayers(gw, 'f', (c) => attachLayer(c, L('b', 1)), {
    maxRevisionRetries: undefined,
    maxConflictWaitMs: undefined,
  });
  assert.equal(r.kind, 'updated');
  assert.deepEqual(gw.layersOf('f'), [L('x', 1), L('b', 1)]);
});
