import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alignVersions, alignmentLine, planAlignment } from '../../../src/fleet/align';
import { publishToFleet } from '../../../src/fleet/publish';
import { sdkError } from '../../helpers/fakeGateway';
import { REGIONS, fakeFleet } from './fakeFleet';

let dir: string;
let zip: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'fleet-align-'));
  zip = join(dir, 'deps.zip');
  await fs.writeFile(zip, randomBytes(512));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const versionsOf = (gw: { layerVersions: Map<string, Array<{ Version?: number; Description?: string }>> }) =>
  (gw.layerVersions.get('deps') ?? []).map((v) => v.Version);

test('the plan publishes nothing anywhere; aligning brings every region to the same number with the zip on top', async () => {
  const { fleet, gateways } = fakeFleet(REGIONS);
  const other = join(dir, 'other.zip');
  await fs.writeFile(other, randomBytes(100));
  // us-east-1 is at 3, eu-west-1 at 1, ap-southeast-2 has no such layer.
  for (let i = 0; i < 3; i++)
    await gateways.get('us-east-1')!.publishLayerVersion({ layerName: 'deps', zipFile: randomBytes(10) });
  await gateways.get('eu-west-1')!.publishLayerVersion({ layerName: 'deps', zipFile: randomBytes(10) });

  const plan = await planAlignment(fleet, { zipPath: zip, name: 'deps' });
  assert.equal(plan.version, 4);
  assert.deepEqual(
    plan.steps.map((s) => (s.status === 'ok' ? [s.region, s.latest, s.publishes] : s.status)),
    [
      ['us-east-1', 3, 1],
      ['eu-west-1', 1, 3],
      ['ap-southeast-2', 0, 4],
    ],
  );
  assert.deepEqual([...gateways.values()].map(versionsOf), [[1, 2, 3], [1], []], 'planning publishes nothing');
  assert.equal(alignmentLine(plan.steps[1], plan.version), 'eu-west-1: 1 → 4 (3 to publish, 2 of them copies)');

  const results = await alignVersions(fleet, { zipPath: zip, name: 'deps' }, plan);
  assert.deepEqual(
    results.map((r) => [r.region, r.status, 'layerVersion' in r ? r.layerVersion.Version : undefined]),
    [
      ['us-east-1', 'published', 4],
      ['eu-west-1', 'published', 4],
      ['ap-southeast-2', 'published', 4],
    ],
  );
  const sha = (gw: typeof gateways extends Map<string, infer G> ? G : never) =>
    gw.layerVersions.get('deps')!.at(-1)!.Content?.CodeSha256;
  assert.equal(new Set([...gateways.values()].map(sha)).size, 1, 'the same zip on top everywhere');

  // Aligned already: a second plan publishes nothing, and a plain fleet publish reports unchanged.
  const again = await planAlignment(fleet, { zipPath: zip, name: 'deps' });
  assert.deepEqual(
    again.steps.map((s) => s.status === 'ok' && s.publishes),
    [0, 0, 0],
  );
  assert.deepEqual(
    (await alignVersions(fleet, { zipPath: zip, name: 'deps' }, again)).map((r) => r.status),
    ['unchanged', 'unchanged', 'unchanged'],
  );
  assert.deepEqual(
    (await publishToFleet(fleet, { zipPath: zip, name: 'deps' })).map((r) => r.status),
    ['unchanged', 'unchanged', 'unchanged'],
  );
});

test('a region that skips deleted numbers raises the goal and the others catch up; a failing region does not stop them', async () => {
  const { fleet, gateways } = fakeFleet(REGIONS);
  const eu = gateways.get('eu-west-1')!;
  const publish = eu.publishLayerVersion.bind(eu);
  // eu-west-1 once had versions 1-2, deleted since: AWS gives its next publish number 3 though it lists nothing.
  eu.publishLayerVersion = async (input) => {
    const v = await publish(input);
    const stored = eu.layerVersions.get('deps')!.at(-1)!;
    stored.Version = v.Version! + 2;
    stored.LayerVersionArn = `${stored.LayerArn}:${stored.Version}`;
    return structuredClone(stored);
  };
  gateways.get('ap-southeast-2')!.listLayerVersions = async function* () {
    yield* [];
    throw sdkError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.');
  };
  const plan = await planAlignment(fleet, { zipPath: zip, name: 'deps' });
  assert.equal(plan.version, 1);
  assert.equal(plan.steps[2].status, 'error');
  const results = await alignVersions(fleet, { zipPath: zip, name: 'deps' }, plan);
  assert.deepEqual(
    results.map((r) => [r.region, r.status, 'layerVersion' in r ? r.layerVersion.Version : undefined]),
    [
      ['us-east-1', 'published', 3],
      ['eu-west-1', 'published', 3],
      ['ap-southeast-2', 'failed', undefined],
    ],
  );
  assert.deepEqual(versionsOf(gateways.get('us-east-1')!), [1, 2, 3], 'us-east-1 caught up with copies');
});

test('a region that cannot reach the goal within the bound fails with a reason instead of publishing forever', async () => {
  const { fleet, gateways } = fakeFleet(['us-east-1', 'eu-west-1']);
  for (let i = 0; i < 20; i++)
    await gateways.get('us-east-1')!.publishLayerVersion({ layerName: 'deps', zipFile: randomBytes(10) });
  const plan = await planAlignment(fleet, { zipPath: zip, name: 'deps' });
  const eu = gateways.get('eu-west-1')!;
  const publish = eu.publishLayerVersion.bind(eu);
  // Every publish there is deleted at once (someone else's cleanup): it never gets past version 1.
  eu.publishLayerVersion = async (input) => {
    const v = await publish(input);
    await eu.deleteLayerVersion('deps', v.Version!);
    return v;
  };
  const results = await alignVersions(fleet, { zipPath: zip, name: 'deps' }, plan, { maxExtra: 2 });
  assert.equal(results[0].status, 'published');
  assert.ok(
    results[1].status === 'failed' && /Stopped after 23 publishes without reaching version 21/.test(results[1].reason),
    JSON.stringify(results[1]),
  );
});

test('cancelling stops between publishes: each region says at which version it stopped, and a rerun finishes', async () => {
  const { fleet, gateways } = fakeFleet(['us-east-1', 'eu-west-1']);
  const us = gateways.get('us-east-1')!;
  for (let i = 0; i < 6; i++)
    await gateways.get('eu-west-1')!.publishLayerVersion({ layerName: 'deps', zipFile: randomBytes(10) });
  const plan = await planAlignment(fleet, { zipPath: zip, name: 'deps' });
  assert.equal(plan.version, 7);
  const abort = new AbortController();
  const progress: string[] = [];
  const results = await alignVersions(fleet, { zipPath: zip, name: 'deps' }, plan, {
    signal: abort.signal,
    onProgress: (p) => {
      if (p.state !== 'running') return;
      progress.push(`${p.target} ${p.step}`);
      // Cancelled while us-east-1 is on its way: the publish under way when it comes is still finished.
      if (p.target === 'us-east-1' && p.step === 'version 3 of 7') abort.abort();
    },
  });
  assert.ok(progress.includes('us-east-1 version 3 of 7'));
  assert.deepEqual(
    results.map((r) => [r.region, r.status, 'reason' in r ? r.reason : r.layerVersion.Version]),
    [
      ['us-east-1', 'cancelled', 'cancelled at version 3 of 7'],
      ['eu-west-1', 'published', 7],
    ],
  );
  assert.deepEqual(versionsOf(us), [1, 2, 3], 'exactly the versions it reported, each a whole publish');
  const rerun = await alignVersions(
    fleet,
    { zipPath: zip, name: 'deps' },
    await planAlignment(fleet, { zipPath: zip, name: 'deps' }),
  );
  assert.deepEqual(
    rerun.map((r) => [r.region, r.status, 'layerVersion' in r ? r.layerVersion.Version : r.reason]),
    [
      ['us-east-1', 'published', 7],
      ['eu-west-1', 'unchanged', 7],
    ],
  );
});
