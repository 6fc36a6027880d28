import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetFunctionConfigurationCommand,
  PublishLayerVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  TEST_ROLE,
  createActiveFunction,
  handlerZip,
  makeZip,
  withSandbox,
  type TestSandbox,
} from '../../helpers/sandbox';
import { localConnection } from '../../../src/aws/connection';
import { openFleet, scopePairs } from '../../../src/fleet/scope';
import { publishToFleet } from '../../../src/fleet/publish';
import { planRollout, runRollout } from '../../../src/fleet/rollout';
import { openSession } from '../../../src/ops/session';
import { sdkError } from '../../helpers/fakeGateway';
import { cliEnv, runCli as cli } from '../../helpers/cli';
import { REGIONS, layerVersionArn, lines } from './lines';

let sandbox: TestSandbox;
let dir: string;

before(async () => {
  sandbox = await withSandbox({ updateDelayMs: 20 });
  dir = await fs.mkdtemp(join(tmpdir(), 'fleet-sandbox-'));
});
after(async () => {
  await sandbox?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const pkgZip = (source: string) => makeZip([{ name: 'python/fleetpkg.py', data: source }]);
const arn = layerVersionArn;

async function layersOf(region: string, fn: string): Promise<string[]> {
  const c = await sandbox.client(region).send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
  return (c.Layers ?? []).map((l) => l.Arn!);
}

test(
  'publish to 3 regions from the command line: one line per region, then unchanged everywhere',
  { timeout: 120_000 },
  async () => {
    const zip = join(dir, 'deps.zip');
    await fs.writeFile(zip, pkgZip('OK = True\n'));
    const args = ['publish', zip, '--name', 'cli-fleet', '--regions', REGIONS.join(','), '--endpoint', sandbox.url];
    const first = await cli(args);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(lines(first.stdout), REGIONS.map((r) => `${r} ${arn(r, 'cli-fleet', 1)} published`).sort());
    const again = await cli(args);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(lines(again.stdout), REGIONS.map((r) => `${r} ${arn(r, 'cli-fleet', 1)} unchanged`).sort());
    // Regions are kept apart: the next version in one region is its own 2.
    const euNext = await sandbox
      .client('eu-west-1')
      .send(new PublishLayerVersionCommand({ LayerName: 'cli-fleet', Content: { ZipFile: pkgZip('X = 1\n') } }));
    assert.equal(euNext.Version, 2, 'eu-west-1 counts its own versions');
    assert.equal(
      (await cli(['publish', zip, '--name', 'cli-fleet', '--region', 'us-east-1', '--regions', 'eu-west-1'])).code,
      2,
      'both flags is bad usage',
    );
  },
);

test(
  'a region that fails once is finished by the rerun without republishing the others',
  { timeout: 60_000 },
  async () => {
    const zip = join(dir, 'resume.zip');
    await fs.writeFile(zip, pkgZip('RESUME = 1\n'));
    let failures = 1;
    const fleet = openFleet(scopePairs(REGIONS), ({ region }) => localConnection(sandbox.url, region), {
      openSession: (settings) => {
        const session = openSession(settings, { credentials: sandbox.credentials });
        if (settings.region !== 'eu-west-1') return session;
        const gateway = Object.create(session.gateway) as typeof session.gateway;
        gateway.publishLayerVersion = (input, o) =>
          failures-- > 0
            ? Promise.reject(sdkError('ServiceException', 500, 'injected'))
            : session.gateway.publishLayerVersion(input, o);
        return { settings, gateway, s3: session.s3, dispose: () => session.dispose() };
      },
    });
    try {
      const first = await publishToFleet(fleet, { zipPath: zip, name: 'resume' });
      assert.deepEqual(
        first.map((r) => r.status),
        ['published', 'failed', 'published'],
      );
      const second = await publishToFleet(fleet, { zipPath: zip, name: 'resume' });
      assert.deepEqual(
        second.map((r) => r.status),
        ['unchanged', 'published', 'unchanged'],
      );
      for (const r of second)
        assert.ok('layerVersion' in r && r.layerVersion.Version === 1, `${r.region} has exactly version 1`);
    } finally {
      fleet.dispose();
    }
  },
);

test(
  'rollout from the command line: a failing canary is put back and nothing else moves; the fixed version rolls out everywhere',
  { timeout: 180_000 },
  async () => {
    const layer = 'roll';
    for (const region of REGIONS) {
      const c = sandbox.client(region);
      await c.send(new PublishLayerVersionCommand({ LayerName: layer, Content: { ZipFile: pkgZip('OK = True\n') } }));
      for (const fn of ['fn-a', 'fn-b']) {
        await createActiveFunction(c, {
          FunctionName: fn,
          Runtime: 'python3.12',
          Role: TEST_ROLE,
          Handler: 'lambda_function.handler',
          Code: {
            ZipFile: handlerZip('import fleetpkg\n\ndef handler(event, context):\n    return {"ok": fleetpkg.OK}\n'),
          },
          Layers: [arn(region, layer, 1)],
        });
      }
      await c.send(new PublishLayerVersionCommand({ LayerName: layer, Content: { ZipFile: pkgZip('OK = 1 / 0\n') } }));
    }
    const endpoint = ['--regions', REGIONS.join(','), '--endpoint', sandbox.url];

    const dry = await cli(['rollout', layer, ...endpoint, '--dry-run'], cliEnv({ XDG_CACHE_HOME: join(dir, 'cache') }));
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(
      lines(dry.stdout),
      REGIONS.flatMap((r) =>
        ['fn-a', 'fn-b'].map((f) => `${r} ${f} ${arn(r, layer, 1)} -> ${arn(r, layer, 2)} planned`),
      ).sort(),
    );
    for (const r of REGIONS) {
      const shown = dry.stderr.split(`${arn(r, layer, 1)} → ${arn(r, layer, 2)}\n`);
      assert.equal(shown.length, 2, `the change in ${r} is compared once, before anything moves:\n${dry.stderr}`);
      assert.match(shown[1], /^Unzipped: .* → .* \(\+\d+ B\)\nNo package changed\./);
    }

    const report = join(dir, 'rollout.csv');
    const bad = await cli([
      'rollout',
      layer,
      ...endpoint,
      '--canary',
      'eu-west-1/fn-b',
      '--smoke-payload',
      '{}',
      '--output',
      report,
    ]);
    assert.equal(bad.code, 1, bad.stderr);
    const rows = lines(bad.stdout);
    assert.ok(
      rows.includes(`eu-west-1 fn-b ${arn('eu-west-1', layer, 1)} -> ${arn('eu-west-1', layer, 2)} rolled-back`),
      bad.stdout,
    );
    assert.equal(rows.filter((l) => l.endsWith(' unchanged')).length, 5, bad.stdout);
    assert.match(bad.stderr, /smoke test failed \(Unhandled\).*ZeroDivisionError/);
    for (const region of REGIONS)
      for (const fn of ['fn-a', 'fn-b']) assert.deepEqual(await layersOf(region, fn), [arn(region, layer, 1)]);
    const csv = await fs.readFile(report, 'utf8');
    assert.match(csv, /^region,target,function,from,to,result,canary,reason\r\n/);
    assert.match(csv, /eu-west-1,eu-west-1,fn-b,[^,]+,[^,]+,rolled-back,true,/);

    for (const region of REGIONS)
      await sandbox
        .client(region)
        .send(new PublishLayerVersionCommand({ LayerName: layer, Content: { ZipFile: pkgZip('OK = "fixed"\n') } }));
    const good = await cli(['rollout', layer, ...endpoint, '--canary', '2', '--smoke-payload', '{}']);
    assert.equal(good.code, 0, good.stderr);
    assert.deepEqual(
      lines(good.stdout),
      REGIONS.flatMap((r) =>
        ['fn-a', 'fn-b'].map((f) => `${r} ${f} ${arn(r, layer, 1)} -> ${arn(r, layer, 3)} updated`),
      ).sort(),
    );
    for (const region of REGIONS)
      for (const fn of ['fn-a', 'fn-b']) assert.deepEqual(await layersOf(region, fn), [arn(region, layer, 3)]);
  },
);

test('a rollout racing a concurrent update of the same function keeps both changes', { timeout: 60_000 }, async () => {
  const layer = 'race';
  const other = 'race-other';
  const region = 'ap-southeast-2';
  const c = sandbox.client(region);
  for (const zip of [pkgZip('A = 1\n'), pkgZip('A = 2\n')])
    await c.send(new PublishLayerVersionCommand({ LayerName: layer, Content: { ZipFile: zip } }));
  await c.send(
    new PublishLayerVersionCommand({
      LayerName: other,
      Content: { ZipFile: makeZip([{ name: 'python/other.py', data: '' }]) },
    }),
  );
  await createActiveFunction(c, {
    FunctionName: 'racy',
    Runtime: 'python3.12',
    Role: TEST_ROLE,
    Handler: 'lambda_function.handler',
    Code: { ZipFile: handlerZip('def handler(e, c):\n    return 1\n') },
    Layers: [arn(region, layer, 1)],
  });

  let raced = false;
  const fleet = openFleet(scopePairs([region]), ({ region: r }) => localConnection(sandbox.url, r), {
    openSession: (settings) => {
      const session = openSession(settings, { credentials: sandbox.credentials });
      const gateway = Object.create(session.gateway) as typeof session.gateway;
      // Someone else attaches another layer between our read and our write.
      gateway.updateFunctionLayers = async (name, arns, revisionId) => {
        if (!raced) {
          raced = true;
          await c.send(
            new UpdateFunctionConfigurationCommand({
              FunctionName: name,
              Layers: [arn(region, layer, 1), arn(region, other, 1)],
            }),
          );
          await session.gateway.waitForFunctionUpdated(name);
        }
        return session.gateway.updateFunctionLayers(name, arns, revisionId);
      };
      return { settings, gateway, s3: session.s3, dispose: () => session.dispose() };
    },
  });
  try {
    const rows = await runRollout(fleet, await planRollout(fleet, layer), { canary: 1 });
    assert.ok(raced);
    assert.deepEqual(
      rows.map((r) => [r.function, r.result]),
      [['racy', 'updated']],
    );
    assert.deepEqual(await layersOf(region, 'racy'), [arn(region, layer, 2), arn(region, other, 1)]);
  } finally {
    fleet.dispose();
  }
});
