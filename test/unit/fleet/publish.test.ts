import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishToFleet, type RegionPublishResult } from '../../../src/fleet/publish';
import type { FleetProgress } from '../../../src/fleet/progress';
import { parseMarker } from '../../../src/ops/marker';
import { sdkError } from '../../helpers/fakeGateway';
import { REGIONS, fakeFleet } from './fakeFleet';

let dir: string;
let zip: string;
let sha: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'fleet-publish-'));
  zip = join(dir, 'deps.zip');
  const bytes = randomBytes(2048);
  await fs.writeFile(zip, bytes);
  sha = createHash('sha256').update(bytes).digest('hex');
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

test('publishes to every region once; a region that fails is retried on the next run without republishing the others', async () => {
  const { fleet, gateways } = fakeFleet(REGIONS);
  const eu = gateways.get('eu-west-1')!;
  const publish = eu.publishLayerVersion.bind(eu);
  let failures = 1;
  eu.publishLayerVersion = async (input) => {
    if (failures-- > 0) throw sdkError('AccessDeniedException', 403, 'not enabled');
    return publish(input);
  };
  const streamed: RegionPublishResult[] = [];
  const first = await publishToFleet(
    fleet,
    { zipPath: zip, name: 'deps', description: 'deps 1.0' },
    { onResult: (r) => streamed.push(r) },
  );
  assert.deepEqual(
    first.map((r) => [r.region, r.status]),
    [
      ['us-east-1', 'published'],
      ['eu-west-1', 'failed'],
      ['ap-southeast-2', 'published'],
    ],
  );
  assert.equal(streamed.length, 3);
  const failed = first[1];
  assert.ok(failed.status === 'failed' && /not enabled/.test(failed.reason));

  const second = await publishToFleet(fleet, { zipPath: zip, name: 'deps', description: 'deps 1.0' });
  assert.deepEqual(
    second.map((r) => [r.region, r.status]),
    [
      ['us-east-1', 'unchanged'],
      ['eu-west-1', 'published'],
      ['ap-southeast-2', 'unchanged'],
    ],
  );
  for (const [region, gw] of gateways) {
    assert.equal(gw.layerVersions.get('deps')?.length, 1, `${region} holds exactly one version`);
    const v = gw.layerVersions.get('deps')![0];
    assert.equal(parseMarker(v.Description)?.sha256, sha.slice(0, 16));
    assert.equal(parseMarker(v.Description)?.text, 'deps 1.0');
  }
  const arn = second[1].status === 'published' ? second[1].layerVersion.LayerVersionArn : '';
  assert.equal(arn, 'arn:aws:lambda:eu-west-1:123456789012:layer:deps:1');
});

test('new content publishes a new version in every region', async () => {
  const { fleet, gateways } = fakeFleet(REGIONS);
  await publishToFleet(fleet, { zipPath: zip, name: 'deps' });
  await fs.writeFile(zip, randomBytes(100));
  const again = await publishToFleet(fleet, { zipPath: zip, name: 'deps' });
  assert.deepEqual(
    again.map((r) => r.status),
    ['published', 'published', 'published'],
  );
  for (const gw of gateways.values()) assert.equal(gw.layerVersions.get('deps')?.length, 2);
});

test('at most perTarget publishes run per region, and the waiting ones are reported as queued', async () => {
  const { fleet, gateways } = fakeFleet(['us-east-1'], 1);
  const gw = gateways.get('us-east-1')!;
  const publish = gw.publishLayerVersion.bind(gw);
  let active = 0;
  let peak = 0;
  gw.publishLayerVersion = async (input) => {
    peak = Math.max(peak, ++active);
    await new Promise((r) => setTimeout(r, 5));
    active--;
    return publish(input);
  };
  const events: FleetProgress[] = [];
  const zips = await Promise.all(
    ['a', 'b', 'c'].map(async (n) => {
      const p = join(dir, `${n}.zip`);
      await fs.writeFile(p, randomBytes(64));
      return { p, n };
    }),
  );
  await Promise.all(
    zips.map(({ p, n }) => publishToFleet(fleet, { zipPath: p, name: n }, { onProgress: (e) => events.push(e) })),
  );
  assert.equal(peak, 1);
  assert.equal(events.filter((e) => e.state === 'queued').length, 2);
});

test('a cancelled run publishes nothing and says so per region', async () => {
  const { fleet, gateways } = fakeFleet(REGIONS);
  const abort = new AbortController();
  abort.abort();
  const results = await publishToFleet(fleet, { zipPath: zip, name: 'deps' }, { signal: abort.signal });
  assert.deepEqual(
    results.map((r) => r.status),
    ['cancelled', 'cancelled', 'cancelled'],
  );
  for (const gw of gateways.values()) assert.equal(gw.layerVersions.get('deps'), undefined);
});
