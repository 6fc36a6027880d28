import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GetLayerVersionResponse } from '@aws-sdk/client-lambda';
import type { InvokeResult } from '../../../src/aws/types';
import {
  deleteProbeFunction,
  pinnedVersions,
  probeCodeZip,
  probeLayerImports,
  probeTargetFromManifest,
} from '../../../src/invoke/probe';
import { probeFunctionName } from '../../../src/invoke/probeName';
import type { ProbeRequest } from '../../../src/invoke/probeHandler';
import { probeLanguageOf } from '../../../src/invoke/probeLanguage';
import { UserError } from '../../../src/util/errors';
import { writeZip } from './zipFixture';
import { FakeGateway } from '../../helpers/fakeGateway';

const LAYER = 'arn:aws:lambda:us-east-1:123456789012:layer:deps:3';
const ROLE = 'arn:aws:iam::123456789012:role/probe';

/**
 * Lambda for the probe: one layer version, and an Invoke that answers like `answer`; `sent` collects the
 * requests the probe sent.
 */
function probeLambda(layer: GetLayerVersionResponse, answer: (req: ProbeRequest) => InvokeResult) {
  const fake = new FakeGateway();
  fake.addLayerVersion(layer);
  const sent: ProbeRequest[] = [];
  fake.invokeHandler = (_name, payload) => {
    sent.push(JSON.parse(new TextDecoder().decode(payload)) as ProbeRequest);
    return answer(sent[sent.length - 1]);
  };
  return { fake, sent };
}

/** The calls that change something or run code (not the reads and waits around them). */
const writes = (fake: FakeGateway) => fake.calls.filter((c) => !/^(get|getVersion|wait) /.test(c));
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** Answers like the real handler: every module ok, except those listed in `failing`. */
function handlerAnswer(versions: Record<string, string | null>, failing: Record<string, string> = {}) {
  return (req: ProbeRequest): InvokeResult => ({
    statusCode: 200,
    payload: json({
      python: '3.12.7',
      machine: 'x86_64',
      packages: req.packages.map((p) => ({
        name: p.name,
        version: versions[p.name] ?? null,
        ...(versions[p.name]
          ? {}
          : { versionError: `PackageNotFoundError: No package metadata was found for ${p.name}` }),
        modules: p.modules.map((m) =>
          failing[m]
            ? { name: m, ok: false, error: failing[m] }
            : { name: m, ok: true, file: `/opt/python/${m}/__init__.py` },
        ),
      })),
    }),
    logTail: 'REPORT RequestId: r\tDuration: 900.1 ms\t',
  });
}

const layerInfo = (extra: Partial<GetLayerVersionResponse> = {}): GetLayerVersionResponse => ({
  LayerVersionArn: LAYER,
  CompatibleRuntimes: ['python3.11', 'python3.12'],
  CompatibleArchitectures: ['arm64'],
  Content: { Location: 'http://127.0.0.1:9/unused' },
  ...extra,
});

test('manifest with top-level modules: creates the probe for the newest runtime and reports each package', async () => {
  const { fake, sent } = probeLambda(
    layerInfo(),
    handlerAnswer(
      { requests: '2.32.3', numpy: '2.1.0', attrs: '23.1.0' },
      { numpy: 'ImportError: Error importing numpy: you should not try to import numpy from its source directory' },
    ),
  );
  const target = probeTargetFromManifest(
    {
      runtime: 'python3.12',
      architecture: 'arm64',
      packages: [
        { name: 'requests', version: '2.32.3', size: 1, files: 1, topLevel: ['requests'] },
        { name: 'numpy', version: '2.1.0', size: 1, files: 1, topLevel: ['numpy'] },
        { name: 'attrs', version: '24.2.0', size: 1, files: 1, topLevel: ['attr', 'attrs'] },
        { name: 'missing-one', version: '1.0', size: 1, files: 1, topLevel: [] },
        { name: '(other files)', version: '', size: 1, files: 1, topLevel: [] },
      ],
    },
    LAYER,
  );
  const report = await probeLayerImports(target, { gateway: fake, role: ROLE });
  const name = probeFunctionName('python3.12', 'arm64');
  assert.equal(name, 'lambda-layers-probe-python312-arm64');
  assert.equal(report.functionName, name);
  assert.deepEqual([report.runtime, report.architecture, report.python], ['python3.12', 'arm64', '3.12.7']);
  assert.deepEqual(writes(fake), [`create ${name}`, `invoke ${name}`]);
  const created = fake.functions.get(name)!;
  assert.deepEqual(
    [created.Runtime, created.Architectures, created.Layers?.map((l) => l.Arn), created.Role],
    ['python3.12', ['arm64'], [LAYER], ROLE],
  );
  assert.deepEqual(
    sent[0]?.packages.map((p) => p.modules),
    [['requests'], ['numpy'], ['attr', 'attrs'], []],
  );
  assert.deepEqual(
    report.rows.map((r) => [r.package, r.expectedVersion, r.importedVersion, r.status]),
    [
      ['requests', '2.32.3', '2.32.3', 'ok'],
      ['numpy', '2.1.0', '2.1.0', 'importFailed'],
      ['attrs', '24.2.0', '23.1.0', 'versionMismatch'],
      ['missing-one', '1.0', undefined, 'notInstalled'],
    ],
  );
  assert.match(report.rows[1].error ?? '', /^numpy: ImportError: Error importing numpy/);
  assert.match(report.rows[3].error ?? '', /PackageNotFoundError/);
  assert.match(report.log ?? '', /REPORT/);
});

test('a layer built elsewhere: packages come from the zip, requirements pins give expected versions; the existing probe is reused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-probe-unit-'));
  try {
    const zipPath = join(dir, 'layer.zip');
    await writeZip(zipPath, {
      'python/six.py': '',
      'python/six-1.16.0.dist-info/METADATA': 'Name: six\nVersion: 1.16.0\n',
      'python/six-1.16.0.dist-info/RECORD': 'six.py,,\n',
    });
    const { fake } = probeLambda(
      layerInfo({ CompatibleRuntimes: ['python3.11'], CompatibleArchitectures: undefined }),
      handlerAnswer({ six: '1.16.0' }),
    );
    const name = probeFunctionName('python3.11', 'x86_64');
    // Deployed earlier with the same code but another layer: only the layer list changes.
    fake.functions.set(name, {
      FunctionName: name,
      State: 'Active',
      LastUpdateStatus: 'Successful',
      CodeSha256: createHash('sha256')
        .update(await probeCodeZip(probeLanguageOf('python3.12')!))
        .digest('base64'),
      Layers: [{ Arn: 'arn:aws:lambda:us-east-1:123456789012:layer:old:1' }],
    });
    const report = await probeLayerImports(
      { layerVersionArn: LAYER, zipPath, requirements: 'six==1.17.0  # pinned\n--index-url x\n' },
      { gateway: fake, role: ROLE },
    );
    assert.equal(report.architecture, 'x86_64');
    assert.deepEqual(writes(fake), [`update ${name}`, `invoke ${name}`]);
    assert.deepEqual(fake.layersOf(name), [LAYER]);
    assert.deepEqual(
      report.rows.map((r) => [r.package, r.expectedVersion, r.importedVersion, r.status]),
      [['six', '1.17.0', '1.16.0', 'versionMismatch']],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('outdated probe code is replaced', async () => {
  const { fake } = probeLambda(layerInfo(), handlerAnswer({ a: '1' }));
  const name = probeFunctionName('python3.12', 'arm64');
  fake.functions.set(name, { FunctionName: name, State: 'Active', CodeSha256: 'old', Layers: [{ Arn: LAYER }] });
  await probeLayerImports(
    { layerVersionArn: LAYER, expected: [{ name: 'a', modules: ['a'] }] },
    { gateway: fake, role: ROLE },
  );
  assert.deepEqual(writes(fake), [`updateCode ${name}`, `invoke ${name}`]);
});

test('a crashed or timed-out probe is a UserError carrying the log', async () => {
  const { fake } = probeLambda(layerInfo(), () => ({
    statusCode: 200,
    functionError: 'Unhandled',
    payload: json({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 120.00 seconds' }),
    logTail: 'START RequestId: r\n',
  }));
  await assert.rejects(
    probeLayerImports(
      { layerVersionArn: LAYER, expected: [{ name: 'a', modules: ['a'] }] },
      { gateway: fake, role: ROLE },
    ),
    (e: unknown) =>
      e instanceof UserError &&
      /Sandbox\.Timedout: Task timed out/.test(e.message) &&
      e.detail === 'START RequestId: r\n',
  );
});

test('inputs that cannot be probed are explained', async () => {
  const { fake } = probeLambda(layerInfo({ CompatibleRuntimes: ['java21'] }), handlerAnswer({}));
  await assert.rejects(
    probeLayerImports({ layerVersionArn: 'not-an-arn' }, { gateway: fake, role: ROLE }),
    /not a layer version ARN/,
  );
  await assert.rejects(
    probeLayerImports(
      { layerVersionArn: LAYER, expected: [{ name: 'a', modules: ['a'] }] },
      { gateway: fake, role: ROLE },
    ),
    /declares no Python or Node\.js runtime/,
  );
});

test('deleteProbeFunction deletes only probes and ignores ones already gone', async () => {
  const { fake } = probeLambda(layerInfo(), handlerAnswer({}));
  await deleteProbeFunction(fake, 'lambda-layers-probe-python312-arm64');
  await assert.rejects(deleteProbeFunction(fake, 'orders-prod'), /not a probe function/);
  assert.deepEqual(fake.calls, ['deleteFunction lambda-layers-probe-python312-arm64']);
});

test('the probe zip is byte-identical across builds', async () => {
  assert.deepEqual(
    await probeCodeZip(probeLanguageOf('python3.12')!),
    await probeCodeZip(probeLanguageOf('python3.12')!),
  );
});

test('pinnedVersions reads exact pins only', () => {
  const pins = pinnedVersions(
    'Requests[socks]==2.32.3\nnumpy>=2\nPyYAML === 6.0.2 ; python_version >= "3.8"\n# six==1\n-r other.txt\n',
  );
  assert.deepEqual(
    [...pins],
    [
      ['requests', '2.32.3'],
      ['pyyaml', '6.0.2'],
    ],
  );
});

test('a Node.js layer: the probe runs on its newest nodejs runtime with the .cjs handler and loads each top-level package', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-probe-node-'));
  try {
    const zipPath = join(dir, 'layer.zip');
    await writeZip(zipPath, {
      'nodejs/node_modules/dayjs/package.json': '{"name":"dayjs","version":"1.11.0"}',
      'nodejs/node_modules/dayjs/index.js': '',
      'nodejs/node_modules/@x/util/package.json': '{"name":"@x/util","version":"2.0.0"}',
      'nodejs/node_modules/@x/util/index.js': '',
      'nodejs/node_modules/.bin/dayjs': '',
      // The versioned folder comes first on NODE_PATH: its copy is the one that loads.
      'nodejs/node22/node_modules/dayjs/package.json': '{"name":"dayjs","version":"1.11.13"}',
    });
    const { fake, sent } = probeLambda(
      layerInfo({ CompatibleRuntimes: ['nodejs20.x', 'nodejs22.x'], CompatibleArchitectures: ['x86_64'] }),
      (req) => ({
        statusCode: 200,
        payload: json({
          node: '22.11.0',
          machine: 'x86_64',
          packages: req.packages.map((p) => ({
            name: p.name,
            version: p.name === 'dayjs' ? '1.11.13' : '2.0.0',
            modules: [{ name: p.name, ok: true, importMs: 3.5 }],
          })),
        }),
      }),
    );
    const report = await probeLayerImports({ layerVersionArn: LAYER, zipPath }, { gateway: fake, role: ROLE });
    const name = probeFunctionName('nodejs22.x', 'x86_64');
    assert.equal(name, 'lambda-layers-probe-nodejs22x-x86_64');
    const created = fake.functions.get(name)!;
    assert.deepEqual([created.Runtime, created.Handler], ['nodejs22.x', 'lambda_layers_probe.handler']);
    const node = probeLanguageOf('nodejs22.x')!;
    assert.equal(
      created.CodeSha256,
      createHash('sha256')
        .update(await probeCodeZip(node))
        .digest('base64'),
    );
    assert.equal(node.codeFile().name, 'lambda_layers_probe.cjs');
    assert.deepEqual(sent[0].packages, [
      { name: '@x/util', modules: ['@x/util'] },
      { name: 'dayjs', modules: ['dayjs'] },
    ]);
    assert.deepEqual(
      report.rows.map((r) => [r.package, r.expectedVersion, r.importedVersion, r.status]),
      [
        ['@x/util', '2.0.0', '2.0.0', 'ok'],
        ['dayjs', '1.11.13', '1.11.13', 'ok'],
      ],
    );
    assert.equal(report.node, '22.11.0');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a Node.js build manifest: the project\'s dependencies are loaded by name, the packages they pull in only read; "(other files)" left out', () => {
  const target = probeTargetFromManifest(
    {
      runtime: 'nodejs22.x',
      architecture: 'arm64',
      packages: [
        { name: '@img/sharp-linux-arm64', version: '0.33.5', size: 1, files: 1, topLevel: [] },
        { name: '@scope/direct', version: '1.0.0', size: 1, files: 1, topLevel: ['@scope/direct'] },
        { name: 'sharp', version: '0.33.5', size: 1, files: 1, topLevel: ['sharp'] },
        { name: '(other files)', version: '', size: 1, files: 1, topLevel: [] },
      ],
    },
    LAYER,
  );
  assert.deepEqual(target.expected, [
    { name: '@img/sharp-linux-arm64', version: '0.33.5', modules: [] },
    { name: '@scope/direct', version: '1.0.0', modules: ['@scope/direct'] },
    { name: 'sharp', version: '0.33.5', modules: ['sharp'] },
  ]);
});
