import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExplorerModel } from '../../../src/model/explorerModel';
import type { ModelChange } from '../../../src/model/nodes';
import { FakeGateway, fn, layerArn, versionArn } from '../../helpers/fakeGateway';

/** A small account: layers A (1..3), B (1..2), functions using old and new versions, one foreign layer. */
function account(): FakeGateway {
  const g = new FakeGateway();
  g.addLayer('A', [1, 2, 3], {
    CompatibleRuntimes: ['python3.12'],
    CompatibleArchitectures: ['x86_64'],
    Description: 'deps',
    LicenseInfo: 'MIT',
  });
  g.addLayer('B', [1, 2]);
  g.putFunction(fn('zeta', [versionArn('A', 3)]));
  g.putFunction(fn('alpha', [versionArn('B', 2), versionArn('A', 1), versionArn('shared', 7, '999999999999')]));
  g.putFunction(fn('mid', [versionArn('A', 1)], { Architectures: ['arm64'], Runtime: 'python3.11' }));
  g.putFunction(fn('plain'));
  return g;
}

test('builds sorted layers and functions with versions, used-by, newer-version and external marks', async () => {
  const g = account();
  const model = new ExplorerModel(g);
  await model.refresh();
  assert.deepEqual(model.state, { status: 'ready' });

  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['A', 'B'],
  );
  const a = model.getLayer('A')!;
  assert.equal(a.arn, layerArn('A'));
  assert.equal(a.latestVersion, 3);
  assert.equal(a.versionsState, 'loaded');
  assert.deepEqual(
    a.versions.map((v) => v.version),
    [3, 2, 1],
  );
  assert.deepEqual(a.versions[0].runtimes, ['python3.12']);
  assert.deepEqual(a.versions[0].architectures, ['x86_64']);
  assert.equal(a.versions[0].description, 'deps');
  assert.equal(a.versions[0].license, 'MIT');
  assert.deepEqual(
    a.versions.map((v) => v.usedBy),
    [['zeta'], [], ['alpha', 'mid']],
  );
  assert.equal(a.versions[0].codeSize, 1003, 'CodeSize comes from the function configurations');
  assert.equal(a.versions[1].codeSize, undefined, 'unused versions have no size without a details call');

  assert.deepEqual(
    model.functions.map((f) => f.name),
    ['alpha', 'mid', 'plain', 'zeta'],
  );
  const alpha = model.getFunction('alpha')!;
  assert.deepEqual(
    alpha.layers.map((l) => [l.layerName, l.version, l.newerVersion, l.external, l.codeSize]),
    [
      ['B', 2, undefined, false, 1002],
      ['A', 1, 3, false, 1001],
      ['shared', 7, undefined, true, 1007],
    ],
    'attached layers keep the function order',
  );
  const mid = model.getFunction('mid')!;
  assert.equal(mid.architecture, 'arm64');
  assert.equal(mid.runtime, 'python3.11');
  assert.equal(model.getFunction('plain')!.architecture, 'x86_64');
  assert.deepEqual(model.getFunction('plain')!.layers, []);
  assert.equal(model.getFunction('zeta')!.layers[0].newerVersion, undefined);

  assert.deepEqual(
    model.usedBy(versionArn('A', 1)).map((f) => f.name),
    ['alpha', 'mid'],
  );
  assert.deepEqual(
    model.functionsUsingLayer(layerArn('A')).map((f) => f.name),
    ['alpha', 'mid', 'zeta'],
  );
  model.dispose();
});

test('loads with one function sweep, one ListLayers and one ListLayerVersions per layer', async () => {
  const g = new FakeGateway();
  for (let i = 0; i < 20; i++) g.addLayer(`L${i}`, [1, 2]);
  for (let i = 0; i < 130; i++) g.putFunction(fn(`f${i}`, [versionArn(`L${i % 20}`, 1)]));
  g.versionDelayMs = 5;
  const model = new ExplorerModel(g, { concurrency: 4 });
  await model.refresh();
  assert.deepEqual(g.callCounts(), { listFunctionPages: 3, listLayers: 1, listVersions: 20 });
  assert.equal(g.maxInFlightVersions, 4, 'layer-version fetches are concurrency-limited');
  assert.equal(model.functions.length, 130);
  assert.ok(model.functions.every((f) => f.layers[0].newerVersion === 2));
  model.dispose();
});

test('emits changes as pages arrive, before the model is ready', async () => {
  const g = new FakeGateway();
  g.pageSize = 2;
  g.addLayer('A', [1]);
  for (let i = 0; i < 5; i++) g.putFunction(fn(`f${i}`, [versionArn('A', 1)]));
  let release!: () => void;
  g.gates.set(1, new Promise<void>((r) => (release = r)));
  const model = new ExplorerModel(g);
  const events: ModelChange[] = [];
  model.onDidChange((e) => events.push(e));

  const done = model.refresh();
  assert.deepEqual(model.state, { status: 'loading' });
  // The first page and the layer listing land while the second page is held back.
  await waitFor(() => model.functions.length === 2 && model.getLayer('A')?.versionsState === 'loaded');
  assert.equal(model.state.status, 'loading');
  assert.deepEqual(model.progress, {
    functions: 2,
    functionsComplete: false,
    layers: 1,
    layersComplete: true,
    layersWithVersions: 1,
  });
  assert.deepEqual(model.getLayer('A')!.versions[0].usedBy, ['f0', 'f1']);
  assert.ok(events.some((e) => e.kind === 'functions'));
  assert.ok(events.some((e) => e.kind === 'layers'));
  assert.ok(!events.some((e) => e.kind === 'state' && model.state.status === 'ready'));

  release();
  await done;
  assert.equal(model.state.status, 'ready');
  assert.equal(model.functions.length, 5);
  assert.deepEqual(events.at(-1), { kind: 'state' });
  model.dispose();
});

test('a failing sweep ends in state error without throwing', async () => {
  const g = account();
  g.pageSize = 2;
  g.failFunctionsAtPage = 1;
  const model = new ExplorerModel(g);
  await model.refresh(); // resolves
  assert.equal(model.state.status, 'error');
  assert.equal((model.state as { error: Error }).error.name, 'AccessDeniedException');
  model.dispose();
});

test('one layer failing to list its versions marks that layer only', async () => {
  const g = account();
  g.failVersionsOf.add('B');
  const model = new ExplorerModel(g);
  await model.refresh();
  assert.equal(model.state.status, 'ready');
  const b = model.getLayer('B')!;
  assert.equal(b.versionsState, 'error');
  assert.equal((b.versionsError as Error).name, 'AccessDeniedException');
  assert.equal(model.getLayer('A')!.versionsState, 'loaded');
  model.dispose();
});

test('refreshFunction updates one function and the used-by lists, and drops deleted functions', async () => {
  const g = account();
  const model = new ExplorerModel(g);
  await model.refresh();
  const before = g.callCounts();

  g.putFunction(fn('mid', [versionArn('A', 3)]));
  const events: ModelChange[] = [];
  model.onDidChange((e) => events.push(e));
  await model.refreshFunction('mid');
  assert.equal(g.callCounts().get, 1);
  assert.equal(g.callCounts().listFunctionPages, before.listFunctionPages, 'no new sweep');
  assert.deepEqual(
    model.getLayer('A')!.versions.map((v) => v.usedBy),
    [['mid', 'zeta'], [], ['alpha']],
  );
  assert.equal(model.getFunction('mid')!.layers[0].newerVersion, undefined);
  assert.ok(events.some((e) => e.kind === 'function' && e.name === 'mid'));
  assert.ok(events.some((e) => e.kind === 'layer' && e.name === 'A'));

  g.functions.delete('zeta');
  await model.refreshFunction('zeta');
  assert.equal(model.getFunction('zeta'), undefined);
  assert.deepEqual(model.getLayer('A')!.versions[0].usedBy, ['mid']);
  model.dispose();
});

test('refreshFunction rejects on errors other than not-found', async () => {
  const g = account();
  const model = new ExplorerModel(g);
  await model.refresh();
  g.getFunctionConfiguration = async () => {
    throw Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' });
  };
  await assert.rejects(model.refreshFunction('alpha'), { name: 'TooManyRequestsException' });
  assert.ok(model.getFunction('alpha'));
  model.dispose();
});

test('refreshLayer picks up a new version (newer marks move) and removes a layer without versions', async () => {
  const g = account();
  const model = new ExplorerModel(g);
  await model.refresh();
  g.addLayer('A', [1, 2, 3, 4]);
  await model.refreshLayer('A');
  assert.equal(model.getLayer('A')!.latestVersion, 4);
  assert.equal(model.getFunction('zeta')!.layers[0].newerVersion, 4);

  g.addLayer('C', [1]);
  await model.refreshLayer('C');
  assert.deepEqual(
    model.layers.map((l) => l.name),
    ['A', 'B', 'C'],
  );
  assert.equal(model.getLayer('C')!.arn, layerArn('C'));

  g.layerVersions.delete('B');
  await model.refreshLayer('B');
  assert.equal(model.getLayer('B'), undefined);
  const alphaB = model.getFunction('alpha')!.layers[0];
  assert.equal(alphaB.external, true, 'a layer no longer listed counts as external');
  model.dispose();
});

test('loadVersionDetails fills size and hash of one version', async () => {
  const g = account();
  const model = new ExplorerModel(g);
  await model.refresh();
  await model.loadVersionDetails('A', 2);
  const v2 = model.getLayer('A')!.versions[1];
  assert.equal(v2.codeSize, 4242);
  assert.equal(v2.codeSha256, 'c2hh');
  model.dispose();
});

test('a second refresh supersedes the first; an aborted load goes back to idle; load() reuses a finished load', async () => {
  const g = account();
  g.pageSize = 1;
  let release!: () => void;
  g.gates.set(1, new Promise<void>((r) => (release = r)));
  const model = new ExplorerModel(g);
  const first = model.refresh();
  g.gates.clear();
  const second = model.refresh();
  release();
  await Promise.all([first, second]);
  assert.equal(model.state.status, 'ready');
  assert.equal(model.functions.length, 4);
  assert.deepEqual(model.getLayer('A')!.versions[2].usedBy, ['alpha', 'mid']);

  const calls = g.callCounts().listLayers;
  await model.load();
  assert.equal(g.callCounts().listLayers, calls, 'load() does not reload a ready model');

  const controller = new AbortController();
  g.gates.set(1, new Promise<void>((r) => setTimeout(r, 20)));
  const aborted = model.refresh(controller.signal);
  controller.abort();
  await aborted;
  assert.equal(model.state.status, 'idle');
  model.dispose();
});

test('a throwing listener does not break loading', async () => {
  const g = account();
  const errors: unknown[] = [];
  const log = { trace() {}, debug() {}, info() {}, warn() {}, error: (e: unknown) => errors.push(e) };
  const model = new ExplorerModel(g, { log });
  model.onDidChange(() => {
    throw new Error('listener bug');
  });
  await model.refresh();
  assert.equal(model.state.status, 'ready');
  assert.ok(errors.length > 0);
  model.dispose();
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('a failure while layer versions are in flight leaves no stray rejections', async () => {
  const g = account();
  g.versionDelayMs = 20;
  g.failFunctionsAtPage = 0;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    const model = new ExplorerModel(g);
    await model.refresh();
    assert.equal(model.state.status, 'error');
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(unhandled, []);
    model.dispose();
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('a change rebuilds only the nodes it affects', async () => {
  const g = account();
  const model = new ExplorerModel(g);
  await model.refresh();
  const [zeta, mid, layerA, layerB] = [
    model.getFunction('zeta'),
    model.getFunction('mid'),
    model.getLayer('A'),
    model.getLayer('B'),
  ];
  assert.equal(model.getFunction('zeta'), zeta, 'reads are cached');

  g.putFunction(fn('mid', [versionArn('A', 2)]));
  await model.refreshFunction('mid');
  assert.equal(model.getFunction('zeta'), zeta, 'other functions keep their node');
  assert.notEqual(model.getFunction('mid'), mid);
  assert.notEqual(model.getLayer('A'), layerA, 'the layer whose used-by changed is rebuilt');
  assert.equal(model.getLayer('B'), layerB);
  assert.deepEqual(model.getLayer('A')!.versions[1].usedBy, ['mid']);
  assert.equal(
    model.functions.find((f) => f.name === 'mid'),
    model.getFunction('mid'),
    'lists and lookups agree',
  );
  model.dispose();
});

test('published versions and aliases: listed under their function with the layers they pin, counted in used-by', async () => {
  const g = account();
  g.addPublishedVersion('zeta', 1, [versionArn('A', 1)]);
  g.addPublishedVersion('zeta', 2, [versionArn('A', 2), versionArn('B', 1)]);
  g.aliases.set('zeta', [
    {
      Name: 'live',
      AliasArn: 'arn:aws:lambda:us-east-1:123456789012:function:zeta:live',
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: { 2: 0.1 } },
    },
    {
      Name: 'beta',
      AliasArn: 'arn:aws:lambda:us-east-1:123456789012:function:zeta:beta',
      FunctionVersion: '2',
      Description: 'next',
    },
  ]);
  const model = new ExplorerModel(g);
  await model.refresh();
  assert.deepEqual(
    model.functions.map((f) => f.name),
    ['alpha', 'mid', 'plain', 'zeta'],
    'versions are not functions of their own',
  );
  const zeta = model.getFunction('zeta')!;
  assert.equal(
    zeta.arn,
    'arn:aws:lambda:us-east-1:123456789012:function:zeta',
    "$LATEST's ARN without the :$LATEST of the ALL listing",
  );
  assert.deepEqual(
    zeta.layers.map((l) => l.arn),
    [versionArn('A', 3)],
  );
  assert.deepEqual(
    zeta.versions.map((v) => [
      v.version,
      v.layers.map((l) => `${l.layerName}:${l.version}${l.newerVersion ? `<${l.newerVersion}` : ''}`),
    ]),
    [
      ['1', ['A:1<3']],
      ['2', ['A:2<3', 'B:1<2']],
    ],
  );
  assert.deepEqual(
    zeta.aliases.map((a) => [a.name, a.functionVersion, a.additionalVersion, a.additionalWeight, a.description]),
    [
      ['beta', '2', undefined, undefined, 'next'],
      ['live', '1', '2', 0.1, undefined],
    ],
  );
  assert.deepEqual(
    g.calls.filter((c) => c.startsWith('listAliases')),
    ['listAliases zeta'],
    'aliases are read only for functions with published versions',
  );
  // A:2 and B:1 are used only by zeta's version 2: still used.
  assert.deepEqual(
    model.getLayer('A')!.versions.map((v) => v.usedBy),
    [['zeta'], ['zeta:2'], ['alpha', 'mid', 'zeta:1']],
  );
  assert.deepEqual(
    model.getLayer('B')!.versions.map((v) => v.usedBy),
    [['alpha'], ['zeta:2']],
  );
  assert.deepEqual(model.getFunction('plain')!.versions, []);
  model.dispose();
});
