import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { startMoto, type Moto } from '../../helpers/moto';
import { makeZip } from '../../helpers/sandbox';
import { localConnection } from '../../../src/aws/connection';
import { openFleet, scopePairs, type Fleet } from '../../../src/fleet/scope';
import { publishToFleet } from '../../../src/fleet/publish';
import { planRollout, runRollout, type SmokeTest } from '../../../src/fleet/rollout';
import { layerFleet, loadInventory } from '../../../src/fleet/inventory';
import { openSession } from '../../../src/ops/session';
import { UserError } from '../../../src/util/errors';
import { sdkError } from '../../helpers/fakeGateway';
import { HANDLER_ZIP } from '../ops/zips';
import { runCli as cli } from '../../helpers/cli';
import { REGIONS, layerVersionArn, lines } from './lines';

let moto: Moto;
let dir: string;
let role: string;

before(async () => {
  moto = await startMoto();
  dir = await fs.mkdtemp(join(tmpdir(), 'fleet-moto-'));
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  const created = await iam
    .send(
      new CreateRoleCommand({
        RoleName: 'fleet-role',
        AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
      }),
    )
    .finally(() => iam.destroy());
  role = created.Role!.Arn!;
});
after(async () => {
  await moto?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const arn = layerVersionArn;

function fleetOn(failOnce?: { region: string }): Fleet {
  let failures = 1;
  return openFleet(scopePairs(REGIONS), ({ region }) => localConnection(moto.url, region), {
    openSession: (settings) => {
      const session = openSession(settings);
      if (settings.region !== failOnce?.region) return session;
      const gateway = Object.create(session.gateway) as typeof session.gateway;
      gateway.publishLayerVersion = (input, o) =>
        failures-- > 0
          ? Promise.reject(sdkError('AccessDeniedException', 403, 'injected'))
          : session.gateway.publishLayerVersion(input, o);
      return { settings, gateway, s3: session.s3, dispose: () => session.dispose() };
    },
  });
}

async function zipFile(name: string, source: string): Promise<string> {
  const path = join(dir, `${name}.zip`);
  await fs.writeFile(path, makeZip([{ name: `python/${name}.py`, data: source }]));
  return path;
}

test(
  'publish on moto: 3 regions from the command line, idempotent, and resumable after a region failed once',
  { timeout: 120_000 },
  async () => {
    const zip = await zipFile('motodeps', 'V = 1\n');
    const args = ['publish', zip, '--name', 'moto-deps', '--regions', REGIONS.join(','), '--endpoint', moto.url];
    const first = await cli(args);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(lines(first.stdout), REGIONS.map((r) => `${r} ${arn(r, 'moto-deps', 1)} published`).sort());
    const again = await cli(args);
    assert.deepEqual(lines(again.stdout), REGIONS.map((r) => `${r} ${arn(r, 'moto-deps', 1)} unchanged`).sort());

    const fleet = fleetOn({ region: 'ap-southeast-2' });
    try {
      const zip2 = await zipFile('motodeps', 'V = 2\n');
      const partial = await publishToFleet(fleet, { zipPath: zip2, name: 'moto-deps' });
      assert.deepEqual(
        partial.map((r) => r.status),
        ['published', 'published', 'failed'],
      );
      const rerun = await publishToFleet(fleet, { zipPath: zip2, name: 'moto-deps' });
      assert.deepEqual(
        rerun.map((r) => [r.status, 'layerVersion' in r ? r.layerVersion.Version : 0]),
        [
          ['unchanged', 2],
          ['unchanged', 2],
          ['published', 2],
        ],
      );
      const rows = layerFleet(await loadInventory(fleet), 'moto-deps');
      assert.deepEqual(
        rows.map((r) =>
          r.status === 'ok' ? [r.region, r.latest, r.versions.map((v) => v.sha256 !== undefined)] : r.status,
        ),
        [
          ['us-east-1', 2, [true, true]],
          ['eu-west-1', 2, [true, true]],
          ['ap-southeast-2', 2, [true, true]],
        ],
      );
    } finally {
      fleet.dispose();
    }
  },
);

test(
  'rollout on moto: a failing canary is put back and nothing else moves, then a good one moves everything',
  { timeout: 120_000 },
  async () => {
    const fleet = fleetOn();
    try {
      const layer = 'moto-roll';
      for (const t of fleet.targets) {
        await t.session.gateway.publishLayerVersion({
          layerName: layer,
          zipFile: makeZip([{ name: 'python/a.py', data: 'A = 1\n' }]),
        });
        for (const fn of ['m-a', 'm-b']) {
          await t.session.gateway.createFunction({
            name: fn,
            runtime: 'python3.12',
            handler: 'app.handler',
            role,
            zip: HANDLER_ZIP,
            layers: [arn(t.region, layer, 1)],
          });
        }
        await t.session.gateway.publishLayerVersion({
          layerName: layer,
          zipFile: makeZip([{ name: 'python/a.py', data: 'A = 2\n' }]),
        });
      }
      const plan = await planRollout(fleet, layer);
      assert.equal(plan.items.length, 6);
      // moto cannot run functions: the smoke test stands in for an invoke that raised.
      const failing: SmokeTest = async (t, fn) => {
        if (t.region === 'eu-west-1') throw new UserError(`${fn}: Unhandled`);
      };
      const bad = await runRollout(fleet, plan, { canary: 3, smoke: failing });
      assert.deepEqual(
        bad.filter((r) => r.canary).map((r) => r.result),
        ['rolled-back', 'rolled-back', 'rolled-back'],
      );
      assert.ok(bad.filter((r) => !r.canary).every((r) => r.result === 'unchanged'));
      for (const t of fleet.targets) {
        for (const fn of ['m-a', 'm-b'])
          assert.deepEqual(
            (await t.session.gateway.getFunctionConfiguration(fn)).Layers?.map((l) => l.Arn),
            [arn(t.region, layer, 1)],
          );
      }

      const good = await runRollout(fleet, await planRollout(fleet, layer), { canary: 1, smoke: async () => {} });
      assert.ok(
        good.every((r) => r.result === 'updated'),
        JSON.stringify(good),
      );
      for (const t of fleet.targets) {
        for (const fn of ['m-a', 'm-b'])
          assert.deepEqual(
            (await t.session.gateway.getFunctionConfiguration(fn)).Layers?.map((l) => l.Arn),
            [arn(t.region, layer, 2)],
          );
      }
      const fleetRows = layerFleet(await loadInventory(fleet), layer);
      assert.deepEqual(
        fleetRows.map((r) => (r.status === 'ok' ? r.behind : r.status)),
        [0, 0, 0],
      );
    } finally {
      fleet.dispose();
    }
  },
);

/**
 * moto ignores RevisionId on UpdateFunctionConfiguration (no 412), so the race inside one read-modify-write
 * is proven on the local endpoint (sandbox.test.ts); here the other writer lands after the plan, while the
 * rollout runs, and the rollout's fresh read keeps it.
 */
test(
  'rollout on moto with a concurrent update of the same function after the plan keeps both changes',
  { timeout: 60_000 },
  async () => {
    const region = 'eu-west-1';
    const fleet = openFleet(scopePairs([region]), () => localConnection(moto.url, region));
    try {
      const gw = fleet.targets[0].session.gateway;
      for (const n of [1, 2])
        await gw.publishLayerVersion({
          layerName: 'moto-race',
          zipFile: makeZip([{ name: 'python/r.py', data: `R = ${n}\n` }]),
        });
      await gw.publishLayerVersion({
        layerName: 'moto-race-other',
        zipFile: makeZip([{ name: 'python/o.py', data: '' }]),
      });
      for (const fn of ['m-first', 'm-racy']) {
        await gw.createFunction({
          name: fn,
          runtime: 'python3.12',
          handler: 'app.handler',
          role,
          zip: HANDLER_ZIP,
          layers: [arn(region, 'moto-race', 1)],
        });
      }
      const plan = await planRollout(fleet, 'moto-race');
      // The other writer acts while the canary (m-first) is being checked.
      const rows = await runRollout(fleet, plan, {
        canary: ['m-first'],
        smoke: () =>
          gw
            .updateFunctionLayers('m-racy', [arn(region, 'moto-race', 1), arn(region, 'moto-race-other', 1)])
            .then(() => {}),
      });
      assert.deepEqual(
        rows.map((r) => [r.function, r.result]),
        [
          ['m-first', 'updated'],
          ['m-racy', 'updated'],
        ],
      );
      assert.deepEqual(
        (await gw.getFunctionConfiguration('m-racy')).Layers?.map((l) => l.Arn),
        [arn(region, 'moto-race', 2), arn(region, 'moto-race-other', 1)],
      );
    } finally {
      fleet.dispose();
    }
  },
);
