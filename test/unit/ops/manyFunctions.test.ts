import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachToFunctions } from '../../../src/ops/attach';
import { applyBulkUpdate, previewBulkUpdate } from '../../../src/ops/bulkUpdate';
import { deleteLayerVersion, planDelete } from '../../../src/ops/deleteLayer';
import { FakeGateway } from '../../helpers/fakeGateway';

const fast = { conflictBackoffMs: 1 };

async function gatewayWithLayer(versions: number): Promise<FakeGateway> {
  const gw = new FakeGateway();
  for (let i = 0; i < versions; i++) await gw.publishLayerVersion({ layerName: 'deps', zipFile: new Uint8Array([i]) });
  return gw;
}

test('attach to many: per-function outcomes, mismatch warnings, no refusal', async () => {
  const gw = await gatewayWithLayer(2);
  const v2 = `${gw.layerArn('deps')}:2`;
  gw.addFunction('ok', { layers: [`${gw.layerArn('deps')}:1`] });
  gw.addFunction('arm', { architectures: ['arm64'], runtime: 'python3.11' });
  gw.addFunction('has', { layers: [v2] });
  gw.addFunction('full', { layers: ['a', 'b', 'c', 'd', 'e'].map((n) => `${gw.layerArn(n)}:1`) });
  const out = await attachToFunctions(
    gw,
    { arn: v2, compatibleRuntimes: ['python3.12'], compatibleArchitectures: ['x86_64'] },
    ['ok', 'arm', 'has', 'full', 'missing'],
    fast,
  );
  assert.deepEqual(
    out.map((o) => o.status),
    ['ok', 'ok', 'skipped', 'failed', 'failed'],
  );
  assert.deepEqual(gw.layersOf('ok'), [v2]);
  assert.equal(out[1].warnings.length, 2);
  assert.match(out[1].warnings.join('\n'), /python3\.11.*python3\.12/);
  assert.match(out[1].warnings.join('\n'), /arm64.*x86_64/);
  assert.equal(out[0].warnings.length, 0);
  assert.match(out[3].status === 'failed' ? out[3].reason : '', /at most 5/);
});

test('bulk update: preview lists only older users; apply touches only the confirmed items', async () => {
  const gw = await gatewayWithLayer(3);
  const v = (n: number) => `${gw.layerArn('deps')}:${n}`;
  gw.addFunction('old1', { layers: ['arn:aws:lambda:us-east-1:123456789012:layer:x:1', v(1)] });
  gw.addFunction('old2', { layers: [v(2)] });
  gw.addFunction('current', { layers: [v(3)] });
  gw.addFunction('none');
  const preview = await previewBulkUpdate(gw, 'deps');
  assert.equal(preview.to, v(3));
  assert.deepEqual(preview.items, [
    { function: 'old1', from: v(1), to: v(3) },
    { function: 'old2', from: v(2), to: v(3) },
  ]);
  // The user confirms only old1: old2 must stay as it is.
  const out = await applyBulkUpdate(gw, preview.items.slice(0, 1), fast);
  assert.deepEqual(
    out.map((o) => o.status),
    ['ok'],
  );
  assert.deepEqual(gw.layersOf('old1'), ['arn:aws:lambda:us-east-1:123456789012:layer:x:1', v(3)]);
  assert.deepEqual(gw.layersOf('old2'), [v(2)]);
  assert.ok(!gw.calls.includes('update old2') && !gw.calls.includes('update current'));
});

test('bulk update skips a function changed after the preview', async () => {
  const gw = await gatewayWithLayer(3);
  const v = (n: number) => `${gw.layerArn('deps')}:${n}`;
  gw.addFunction('f', { layers: [v(1)] });
  gw.addFunction('g', { layers: [v(1)] });
  const preview = await previewBulkUpdate(gw, 'deps', {
    functions: [await gw.getFunctionConfiguration('f'), await gw.getFunctionConfiguration('g')],
  });
  gw.externalUpdate('f', [v(2)]);
  gw.externalUpdate('g', [v(3)]);
  const out = await applyBulkUpdate(gw, preview.items, fast);
  assert.deepEqual(
    out.map((o) => o.status),
    ['skipped', 'skipped'],
  );
  assert.deepEqual(gw.layersOf('f'), [v(2)]);
});

test('planDelete lists users; delete removes exactly the confirmed version', async () => {
  const gw = await gatewayWithLayer(2);
  const v = (n: number) => `${gw.layerArn('deps')}:${n}`;
  gw.addFunction('user', { layers: [v(1)] });
  gw.addFunction('other', { layers: [v(2)] });
  const plan = await planDelete(gw, 'deps', 1);
  assert.deepEqual(plan, { layerName: 'deps', version: 1, layerVersionArn: v(1), usedBy: ['user'] });
  await deleteLayerVersion(gw, plan);
  assert.deepEqual(
    gw.layerVersions.get('deps')?.map((x) => x.Version),
    [2],
  );
  assert.deepEqual(
    gw.calls.filter((c) => c.startsWith('delete')),
    ['delete deps:1'],
  );
  await assert.rejects(planDelete(gw, 'deps', 1), /does not exist/);
});

test('planDelete counts published function versions: one that pins the version is a user', async () => {
  const gw = await gatewayWithLayer(2);
  const v = (n: number) => `${gw.layerArn('deps')}:${n}`;
  gw.addFunction('moved-on', { layers: [v(2)] });
  gw.addPublishedVersion('moved-on', 4, [v(1)]);
  assert.deepEqual((await planDelete(gw, 'deps', 1)).usedBy, ['moved-on:4']);
  assert.deepEqual((await planDelete(gw, 'deps', 2)).usedBy, ['moved-on']);
});
