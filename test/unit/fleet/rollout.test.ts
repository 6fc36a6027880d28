import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../../src/util/errors';
import { pickCanaries, planRollout, runRollout, type RolloutItem, type SmokeTest } from '../../../src/fleet/rollout';
import type { FakeGateway } from '../../helpers/fakeGateway';
import { REGIONS, fakeFleet } from './fakeFleet';

/** Each region: layer `deps` v1..v2 and `other` v1; functions f0..f{n-1} on deps:1 (f0 also on other:1), `fresh` on deps:2. */
async function seeded(perRegion = 3) {
  const { fleet, gateways } = fakeFleet(REGIONS);
  for (const gw of gateways.values()) {
    for (let v = 0; v < 2; v++) await gw.publishLayerVersion({ layerName: 'deps', zipFile: new Uint8Array([v]) });
    await gw.publishLayerVersion({ layerName: 'other', zipFile: new Uint8Array([9]) });
    for (let i = 0; i < perRegion; i++)
      gw.addFunction(`f${i}`, {
        layers: i === 0 ? [`${gw.layerArn('other')}:1`, `${gw.layerArn('deps')}:1`] : [`${gw.layerArn('deps')}:1`],
      });
    gw.addFunction('fresh', { layers: [`${gw.layerArn('deps')}:2`] });
    gw.addFunction('none');
  }
  return { fleet, gateways };
}

const deps = (gw: FakeGateway, v: number) => `${gw.layerArn('deps')}:${v}`;

test('the plan lists every function on an older version, per region, and regions without the layer as errors', async () => {
  const { fleet, gateways } = await seeded(2);
  gateways.get('ap-southeast-2')!.layerVersions.clear();
  const plan = await planRollout(fleet, 'deps');
  assert.deepEqual(
    plan.items.map((i) => `${i.region} ${i.function} ${i.from.split(':').pop()}->${i.to.split(':').pop()}`),
    ['us-east-1 f0 1->2', 'us-east-1 f1 1->2', 'eu-west-1 f0 1->2', 'eu-west-1 f1 1->2'],
  );
  assert.deepEqual(
    plan.errors.map((e) => e.region),
    ['ap-southeast-2'],
  );
  assert.match(plan.errors[0].reason, /no versions/);
});

test('a successful rollout moves every planned function and keeps the order and the other layers', async () => {
  const { fleet, gateways } = await seeded();
  const plan = await planRollout(fleet, 'deps');
  const smoked: string[] = [];
  const rows = await runRollout(fleet, plan, {
    canary: 2,
    smoke: async (t, { function: fn }) => void smoked.push(`${t.region}/${fn}`),
  });
  assert.equal(rows.length, 9);
  assert.ok(
    rows.every((r) => r.result === 'updated'),
    JSON.stringify(rows),
  );
  assert.deepEqual(smoked.sort(), ['eu-west-1/f0', 'us-east-1/f0'], 'automatic canaries are spread over the regions');
  assert.deepEqual(
    rows.filter((r) => r.canary).map((r) => `${r.region}/${r.function}`),
    ['us-east-1/f0', 'eu-west-1/f0'],
  );
  for (const gw of gateways.values()) {
    assert.deepEqual(gw.layersOf('f0'), [`${gw.layerArn('other')}:1`, deps(gw, 2)]);
    assert.deepEqual(gw.layersOf('f2'), [deps(gw, 2)]);
  }
});

test('a failing canary puts every moved canary back and touches nothing else', async () => {
  const { fleet, gateways } = await seeded();
  const plan = await planRollout(fleet, 'deps');
  const smoke: SmokeTest = async (t, { function: fn }) => {
    if (t.region === 'eu-west-1') throw new UserError(`${fn} raised ImportError`);
  };
  const before = [...gateways.values()].map((gw) => gw.calls.filter((c) => c.startsWith('update')).length);
  const rows = await runRollout(fleet, plan, { canary: 3, smoke });
  const canaries = rows.filter((r) => r.canary);
  assert.deepEqual(
    canaries.map((r) => [r.region, r.function, r.result]),
    [
      ['us-east-1', 'f0', 'rolled-back'],
      ['eu-west-1', 'f0', 'rolled-back'],
      ['ap-southeast-2', 'f0', 'rolled-back'],
    ],
  );
  assert.match(canaries[1].reason!, /ImportError/);
  assert.match(canaries[0].reason!, /A canary failed: f0 in eu-west-1/);
  assert.ok(rows.filter((r) => !r.canary).every((r) => r.result === 'unchanged' && /Not started/.test(r.reason!)));
  for (const [i, gw] of [...gateways.values()].entries()) {
    assert.deepEqual(gw.layersOf('f0'), [`${gw.layerArn('other')}:1`, deps(gw, 1)], 'canary back on its previous list');
    assert.deepEqual(gw.layersOf('f1'), [deps(gw, 1)]);
    // Two updates on f0 (forward and back), none on anything else.
    assert.deepEqual(gw.calls.filter((c) => c.startsWith('update')).slice(before[i]), ['update f0', 'update f0']);
  }
});

test('a canary whose update fails stops the rollout; the canaries that moved go back', async () => {
  const { fleet, gateways } = await seeded(2);
  gateways.get('eu-west-1')!.failNextUpdate('f0', 'disk full');
  const rows = await runRollout(fleet, await planRollout(fleet, 'deps'), { canary: 2 });
  assert.deepEqual(
    rows.filter((r) => r.canary).map((r) => r.result),
    ['rolled-back', 'failed'],
  );
  assert.match(rows[2].reason!, /disk full/);
  assert.deepEqual(gateways.get('us-east-1')!.layersOf('f0').at(-1), deps(gateways.get('us-east-1')!, 1));
});

test('a failure after the canaries stops new updates and says exactly which functions moved', async () => {
  const { fleet, gateways } = fakeFleet(['us-east-1'], 1);
  const gw = gateways.get('us-east-1')!;
  for (let v = 0; v < 2; v++) await gw.publishLayerVersion({ layerName: 'deps', zipFile: new Uint8Array([v]) });
  for (const n of ['a', 'b', 'c', 'd', 'e']) gw.addFunction(n, { layers: [deps(gw, 1)] });
  gw.failNextUpdate('c', 'broken');
  const rows = await runRollout(fleet, await planRollout(fleet, 'deps'), { canary: 1 });
  assert.deepEqual(
    rows.map((r) => [r.function, r.result]),
    [
      ['a', 'updated'],
      ['b', 'updated'],
      ['c', 'failed'],
      ['d', 'unchanged'],
      ['e', 'unchanged'],
    ],
  );
  assert.match(rows[3].reason!, /Not started: c in us-east-1 failed/);
  assert.deepEqual(gw.layersOf('d'), [deps(gw, 1)]);
});

test('a concurrent change to a function during the rollout is kept (RevisionId read-modify-write)', async () => {
  const { fleet, gateways } = await seeded(1);
  const gw = gateways.get('us-east-1')!;
  const extra = `${gw.layerArn('other')}:1`;
  gw.addFunction('racy', { layers: [deps(gw, 1)] });
  let raced = false;
  gw.beforeUpdate = (name) => {
    if (name === 'racy' && !raced) {
      raced = true;
      gw.externalUpdate('racy', [deps(gw, 1), extra]);
    }
  };
  const rows = await runRollout(fleet, await planRollout(fleet, 'deps'), { canary: 1 });
  assert.ok(raced);
  assert.equal(rows.find((r) => r.function === 'racy')?.result, 'updated');
  assert.deepEqual(gw.layersOf('racy'), [deps(gw, 2), extra]);
});

test('a function changed to another version after the plan is left alone, not overwritten', async () => {
  const { fleet, gateways } = await seeded(2);
  const plan = await planRollout(fleet, 'deps');
  const gw = gateways.get('eu-west-1')!;
  gw.externalUpdate('f1', []);
  const rows = await runRollout(fleet, plan, { canary: 1 });
  const row = rows.find((r) => r.region === 'eu-west-1' && r.function === 'f1')!;
  assert.equal(row.result, 'unchanged');
  assert.match(row.reason!, /changed after the preview/);
  assert.deepEqual(gw.layersOf('f1'), []);
  assert.ok(rows.filter((r) => r !== row).every((r) => r.result === 'updated'));
});

test('cancellation stops between functions: what moved is reported as updated, the rest unchanged', async () => {
  const { fleet, gateways } = fakeFleet(['us-east-1'], 1);
  const gw = gateways.get('us-east-1')!;
  for (let v = 0; v < 2; v++) await gw.publishLayerVersion({ layerName: 'deps', zipFile: new Uint8Array([v]) });
  for (const n of ['a', 'b', 'c']) gw.addFunction(n, { layers: [deps(gw, 1)] });
  const abort = new AbortController();
  const rows = await runRollout(fleet, await planRollout(fleet, 'deps'), {
    canary: 1,
    signal: abort.signal,
    onRow: (r) => r.function === 'b' && abort.abort(),
  });
  assert.deepEqual(
    rows.map((r) => [r.function, r.result, r.reason]),
    [
      ['a', 'updated', undefined],
      ['b', 'updated', undefined],
      ['c', 'unchanged', 'Cancelled.'],
    ],
  );
});

test('chosen canaries are found by name or region/name; an unknown one is refused', () => {
  const items: RolloutItem[] = ['us-east-1', 'eu-west-1'].flatMap((region) =>
    ['a', 'b'].map((fn) => ({ target: region, region, function: fn, from: 'x:1', to: 'x:2' })),
  );
  assert.deepEqual([...pickCanaries(items, ['eu-west-1/b'])], [items[3]]);
  assert.deepEqual([...pickCanaries(items, ['a'])], [items[0]]);
  assert.deepEqual([...pickCanaries(items, 3)], [items[0], items[2], items[1]]);
  assert.equal(pickCanaries(items, 0).size, 0);
  assert.equal(pickCanaries(items, 10).size, 4);
  assert.throws(() => pickCanaries(items, ['zzz']), /not among the functions/);
});
