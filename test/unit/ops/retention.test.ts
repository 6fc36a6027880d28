import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRetention, planOutcomes, planRetention, type PruneOutcome } from '../../../src/ops/retention';
import { UserError } from '../../../src/util/errors';
import { FakeGateway } from '../../helpers/fakeGateway';

const zip = new Uint8Array([1, 2, 3]);

async function layerWith(gw: FakeGateway, name: string, count: number): Promise<string[]> {
  const arns: string[] = [];
  for (let i = 0; i < count; i++)
    arns.push((await gw.publishLayerVersion({ layerName: name, zipFile: zip })).LayerVersionArn!);
  return arns;
}

const lines = (outcomes: PruneOutcome[]) => outcomes.map((o) => `${o.region} ${o.version} ${o.status} (${o.reason})`);

test('keeps the newest N and every version a $LATEST or a published version uses; the rest go', async () => {
  const gw = new FakeGateway();
  const arns = await layerWith(gw, 'deps', 6);
  gw.addFunction('f1', { layers: [arns[0]] });
  gw.addFunction('f2', { layers: [arns[5]] });
  gw.addPublishedVersion('f2', 3, [arns[1]]);
  gw.addPublishedVersion('f1', 7, [arns[1]]);
  const plan = await planRetention([gw], 'deps', { keep: 2 });
  assert.deepEqual(lines(planOutcomes(plan)), [
    'us-east-1 6 kept (newest 2; used by f2)',
    'us-east-1 5 kept (newest 2)',
    'us-east-1 4 deleted (not among the newest 2, unused)',
    'us-east-1 3 deleted (not among the newest 2, unused)',
    'us-east-1 2 kept (used by f1:7, f2:3)',
    'us-east-1 1 kept (used by f1)',
  ]);
  assert.ok(!gw.calls.some((c) => c.startsWith('delete')), 'the plan deletes nothing');

  const outcomes = await applyRetention([gw], plan);
  assert.deepEqual(
    outcomes.filter((o) => o.status === 'deleted').map((o) => o.version),
    [4, 3],
  );
  assert.deepEqual(
    gw.layerVersions.get('deps')!.map((v) => v.Version),
    [1, 2, 5, 6],
  );
});

test('versions younger than D days stay; an unreadable date counts as young', async () => {
  const gw = new FakeGateway();
  await layerWith(gw, 'deps', 4);
  const [v1, v2, v3] = gw.layerVersions.get('deps')!;
  v1.CreatedDate = '2026-01-01T00:00:00.000+0000';
  v2.CreatedDate = '2026-03-09T00:00:00.000+0000';
  v3.CreatedDate = 'garbage';
  const plan = await planRetention([gw], 'deps', { keep: 1, minAgeDays: 7 }, { now: new Date('2026-03-10T00:00:00Z') });
  assert.deepEqual(lines(planOutcomes(plan)), [
    'us-east-1 4 kept (newest 1; younger than 7 days)',
    'us-east-1 3 kept (younger than 7 days)',
    'us-east-1 2 kept (younger than 7 days)',
    'us-east-1 1 deleted (not among the newest 1, unused, older than 7 days)',
  ]);
});

test('a version that becomes used between the preview and the delete is kept and says by whom', async () => {
  const gw = new FakeGateway();
  const arns = await layerWith(gw, 'deps', 3);
  gw.addFunction('late', { layers: [] });
  const plan = await planRetention([gw], 'deps', { keep: 1 });
  assert.deepEqual(
    planOutcomes(plan).map((o) => o.status),
    ['kept', 'deleted', 'deleted'],
  );
  gw.externalUpdate('late', [arns[0]]);
  const outcomes = await applyRetention([gw], plan);
  assert.deepEqual(lines(outcomes), [
    'us-east-1 3 kept (newest 1)',
    'us-east-1 2 deleted (not among the newest 1, unused)',
    'us-east-1 1 kept (now used by late; kept)',
  ]);
  assert.ok(gw.layerVersions.get('deps')!.some((v) => v.Version === 1));
});

test('usage is read again just before each delete, not once for the whole run', async () => {
  const gw = new FakeGateway();
  const arns = await layerWith(gw, 'deps', 3);
  gw.addFunction('f', {});
  const plan = await planRetention([gw], 'deps', { keep: 0 });
  // After the first delete (version 3), someone attaches version 1.
  gw.beforeListVersions = () => {
    if (gw.calls.includes('delete deps:3') && !gw.layersOf('f').length) gw.externalUpdate('f', [arns[0]]);
  };
  const outcomes = await applyRetention([gw], plan);
  assert.deepEqual(
    outcomes.map((o) => `${o.version} ${o.status}`),
    ['3 deleted', '2 deleted', '1 kept'],
  );
});

test('a repeated run is harmless: what is gone is not listed again, nothing fails', async () => {
  const gw = new FakeGateway();
  await layerWith(gw, 'deps', 4);
  await applyRetention([gw], await planRetention([gw], 'deps', { keep: 2 }));
  const again = await applyRetention([gw], await planRetention([gw], 'deps', { keep: 2 }));
  assert.deepEqual(
    again.map((o) => `${o.version} ${o.status}`),
    ['4 kept', '3 kept'],
  );
});

test('one failure does not stop the others; cancellation reports the rest as skipped', async () => {
  const gw = new FakeGateway();
  await layerWith(gw, 'deps', 4);
  const plan = await planRetention([gw], 'deps', { keep: 0 });
  const original = gw.deleteLayerVersion.bind(gw);
  gw.deleteLayerVersion = async (name, version) => {
    if (version === 3) throw Object.assign(new Error('boom'), { name: 'ServiceException' });
    return original(name, version);
  };
  const abort = new AbortController();
  const outcomes = await applyRetention([gw], plan, {
    signal: abort.signal,
    onOutcome: (o) => {
      if (o.version === 2) abort.abort();
    },
  });
  assert.deepEqual(
    outcomes.map((o) => `${o.version} ${o.status}`),
    ['4 deleted', '3 failed', '2 deleted', '1 skipped'],
  );
});

test('several regions: each region is planned with its own versions and functions', async () => {
  const east = new FakeGateway('us-east-1');
  const west = new FakeGateway('eu-west-1');
  await layerWith(east, 'deps', 2);
  const westArns = await layerWith(west, 'deps', 3);
  west.addFunction('w', { layers: [westArns[0]] });
  const plan = await planRetention([east, west], 'deps', { keep: 1 });
  assert.deepEqual(lines(planOutcomes(plan)), [
    'us-east-1 2 kept (newest 1)',
    'us-east-1 1 deleted (not among the newest 1, unused)',
    'eu-west-1 3 kept (newest 1)',
    'eu-west-1 2 deleted (not among the newest 1, unused)',
    'eu-west-1 1 kept (used by w)',
  ]);
  await applyRetention([east, west], plan);
  assert.deepEqual(
    east.calls.filter((c) => c.startsWith('delete')),
    ['delete deps:1'],
  );
  assert.deepEqual(
    west.calls.filter((c) => c.startsWith('delete')),
    ['delete deps:2'],
  );
});

test('bad rules are refused with a message', async () => {
  await assert.rejects(planRetention([new FakeGateway()], 'deps', { keep: -1 }), UserError);
  await assert.rejects(planRetention([new FakeGateway()], 'deps', { keep: 1.5 }), UserError);
  await assert.rejects(planRetention([new FakeGateway()], 'deps', { keep: 1, minAgeDays: -2 }), UserError);
});
