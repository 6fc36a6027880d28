import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetFunctionConfigurationCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
} from '@aws-sdk/client-lambda';
import {
  TEST_ROLE,
  createActiveFunction,
  handlerZip,
  makeZip,
  pythonPackageLayer,
  withSandbox,
  type TestSandbox,
} from '../../helpers/sandbox';
import { runCli as cli } from '../../helpers/cli';
import { REGIONS, layerVersionArn, lines } from './lines';

let sandbox: TestSandbox;
let dir: string;

before(async () => {
  sandbox = await withSandbox({ updateDelayMs: 20 });
  dir = await fs.mkdtemp(join(tmpdir(), 'fleet-align-'));
});
after(async () => {
  await sandbox?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const arn = layerVersionArn;
const endpoint = () => ['--regions', REGIONS.join(','), '--endpoint', sandbox.url];

async function versions(region: string, layer: string): Promise<number[]> {
  const out = await sandbox.client(region).send(new ListLayerVersionsCommand({ LayerName: layer }));
  return (out.LayerVersions ?? []).map((v) => v.Version!).sort((a, b) => a - b);
}

test(
  'publish --align: the preview publishes nothing, then every region ends on the same number with the zip on top, and a rerun is unchanged',
  { timeout: 120_000 },
  async () => {
    const layer = 'aligned';
    // us-east-1 already at 3, eu-west-1 at 1, ap-southeast-2 has never seen the layer.
    for (let i = 1; i <= 3; i++)
      await sandbox.client('us-east-1').send(
        new PublishLayerVersionCommand({
          LayerName: layer,
          Content: { ZipFile: makeZip([{ name: `python/v${i}.py`, data: '' }]) },
        }),
      );
    await sandbox.client('eu-west-1').send(
      new PublishLayerVersionCommand({
        LayerName: layer,
        Content: { ZipFile: makeZip([{ name: 'python/eu.py', data: '' }]) },
      }),
    );
    const zip = join(dir, 'aligned.zip');
    await fs.writeFile(zip, makeZip([{ name: 'python/aligned.py', data: 'X = 1\n' }]));
    const args = ['publish', zip, '--name', layer, ...endpoint(), '--align'];

    const preview = await cli([...args, '--dry-run']);
    assert.equal(preview.code, 0, preview.stderr);
    assert.deepEqual(lines(preview.stdout), [
      'ap-southeast-2 0 -> 4 (4 to publish)',
      'eu-west-1 1 -> 4 (3 to publish)',
      'us-east-1 3 -> 4 (1 to publish)',
    ]);
    assert.deepEqual(
      [await versions('us-east-1', layer), await versions('eu-west-1', layer), await versions('ap-southeast-2', layer)],
      [[1, 2, 3], [1], []],
    );

    const run = await cli(args);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(lines(run.stdout), REGIONS.map((r) => `${r} ${arn(r, layer, 4)} published`).sort());
    for (const region of REGIONS) {
      const top = await sandbox.client(region).send(new ListLayerVersionsCommand({ LayerName: layer, MaxItems: 1 }));
      assert.equal(top.LayerVersions?.[0].Version, 4, region);
      assert.match(
        top.LayerVersions?.[0].Description ?? '',
        /\[lambda-layers sha256:[0-9a-f]{16} v/,
        'copies and the top carry the marker',
      );
    }

    const again = await cli(args);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(lines(again.stdout), REGIONS.map((r) => `${r} ${arn(r, layer, 4)} unchanged`).sort());
    assert.equal(
      (await cli(['publish', zip, '--name', layer, '--endpoint', sandbox.url, '--align'])).code,
      2,
      '--align needs --regions',
    );
  },
);

test(
  'rollout --smoke-probe: a canary whose new version does not import is put back; a version that imports rolls out everywhere',
  { timeout: 240_000 },
  async () => {
    const layer = 'probed';
    const broken = makeZip([
      { name: 'python/probedpkg/__init__.py', data: 'raise ImportError("built for another platform")\n' },
      {
        name: 'python/probedpkg-2.0.0.dist-info/METADATA',
        data: 'Metadata-Version: 2.1\nName: probedpkg\nVersion: 2.0.0\n',
      },
      { name: 'python/probedpkg-2.0.0.dist-info/top_level.txt', data: 'probedpkg\n' },
    ]);
    const good = (version: string) =>
      pythonPackageLayer('probedpkg', version, [
        { name: `python/probedpkg-${version}.dist-info/top_level.txt`, data: 'probedpkg\n' },
      ]);
    for (const region of REGIONS) {
      const c = sandbox.client(region);
      await c.send(
        new PublishLayerVersionCommand({
          LayerName: layer,
          Content: { ZipFile: good('1.0.0') },
          CompatibleRuntimes: ['python3.12'],
        }),
      );
      await createActiveFunction(c, {
        FunctionName: 'uses-probed',
        Runtime: 'python3.12',
        Role: TEST_ROLE,
        Handler: 'lambda_function.handler',
        Code: { ZipFile: handlerZip('def handler(event, context):\n    return 1\n') },
        Layers: [arn(region, layer, 1)],
      });
      await c.send(
        new PublishLayerVersionCommand({
          LayerName: layer,
          Content: { ZipFile: broken },
          CompatibleRuntimes: ['python3.12'],
        }),
      );
    }
    const layersOf = async (region: string) =>
      (
        (await sandbox.client(region).send(new GetFunctionConfigurationCommand({ FunctionName: 'uses-probed' })))
          .Layers ?? []
      ).map((l) => l.Arn);

    assert.equal(
      (await cli(['rollout', layer, ...endpoint(), '--smoke-probe', '--smoke-payload', '{}'])).code,
      2,
      'one smoke test at a time',
    );
    const bad = await cli(['rollout', layer, ...endpoint(), '--canary', 'eu-west-1/uses-probed', '--smoke-probe']);
    assert.equal(bad.code, 1, bad.stderr);
    assert.ok(
      lines(bad.stdout).includes(
        `eu-west-1 uses-probed ${arn('eu-west-1', layer, 1)} -> ${arn('eu-west-1', layer, 2)} rolled-back`,
      ),
      bad.stdout,
    );
    assert.match(bad.stderr, /import probe failed: probedpkg: probedpkg: ImportError: built for another platform/);
    for (const region of REGIONS)
      assert.deepEqual(await layersOf(region), [arn(region, layer, 1)], `${region} is back on (or still on) version 1`);

    for (const region of REGIONS) {
      await sandbox.client(region).send(
        new PublishLayerVersionCommand({
          LayerName: layer,
          Content: { ZipFile: good('3.0.0') },
          CompatibleRuntimes: ['python3.12'],
        }),
      );
    }
    const fixed = await cli(['rollout', layer, ...endpoint(), '--canary', '2', '--smoke-probe']);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.deepEqual(
      lines(fixed.stdout),
      REGIONS.map((r) => `${r} uses-probed ${arn(r, layer, 1)} -> ${arn(r, layer, 3)} updated`).sort(),
    );
    for (const region of REGIONS) assert.deepEqual(await layersOf(region), [arn(region, layer, 3)]);
  },
);
