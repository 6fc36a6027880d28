import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layerFleet, loadInventory } from '../../../src/fleet/inventory';
import { withMarker } from '../../../src/ops/marker';
import { sdkError } from '../../helpers/fakeGateway';
import { REGIONS, fakeFleet } from './fakeFleet';

test('the fleet of a layer: versions with hash and users per region, behind counts, missing and failing regions', async () => {
  const { fleet, gateways } = fakeFleet(REGIONS);
  const us = gateways.get('us-east-1')!;
  const eu = gateways.get('eu-west-1')!;
  await us.publishLayerVersion({
    layerName: 'deps',
    zipFile: new Uint8Array([1]),
    description: withMarker('deps', 'a'.repeat(64)),
  });
  await us.publishLayerVersion({ layerName: 'deps', zipFile: new Uint8Array([2]), description: 'by hand' });
  await us.publishLayerVersion({
    layerName: 'deps',
    zipFile: new Uint8Array([3]),
    description: withMarker('deps', 'c'.repeat(64)),
  });
  us.addFunction('old1', { layers: [`${us.layerArn('deps')}:1`] });
  us.addFunction('old2', { layers: [`${us.layerArn('deps')}:2`] });
  us.addFunction('new', { layers: [`${us.layerArn('deps')}:3`] });
  us.addFunction('gone', { layers: [`${us.layerArn('deps')}:0`] });
  // A published version of `new` still pins v1: a user of v1, but not "behind" (it can never move).
  us.addPublishedVersion('new', 1, [`${us.layerArn('deps')}:1`]);
  us.addPublishedVersion('new', 2, [`${us.layerArn('deps')}:3`]);
  // prod routes 10 % to version 2: both versions are behind it. live names $LATEST.
  us.aliases.set('new', [
    { Name: 'prod', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } } },
    { Name: 'live', FunctionVersion: '$LATEST' },
  ]);
  await eu.publishLayerVersion({ layerName: 'other', zipFile: new Uint8Array([1]) });
  eu.addFunction('x');
  eu.addPublishedVersion('x', 1, []);
  // eslint-disable-next-line require-yield
  eu.listAliases = async function* () {
    throw sdkError('AccessDeniedException', 403, 'not authorized to perform: lambda:ListAliases');
  };
  // eslint-disable-next-line require-yield
  gateways.get('ap-southeast-2')!.listFunctionPages = async function* () {
    throw sdkError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.');
  };

  const streamed: string[] = [];
  const inventories = await loadInventory(fleet, { onTarget: (i) => streamed.push(`${i.region} ${i.status}`) });
  assert.deepEqual(streamed.sort(), ['ap-southeast-2 error', 'eu-west-1 ok', 'us-east-1 ok']);
  const rows = layerFleet(inventories, 'deps');
  assert.deepEqual(rows[1], { target: 'eu-west-1', region: 'eu-west-1', account: '123456789012', status: 'missing' });
  assert.equal(rows[2].status, 'error');
  assert.match((rows[2] as { reason: string }).reason, /security token/);
  const usRow = rows[0];
  assert.ok(usRow.status === 'ok');
  assert.equal(usRow.latest, 3);
  assert.equal(usRow.behind, 3, 'v1, v2 and a deleted v0 are behind');
  assert.deepEqual(
    usRow.versions.map((v) => [
      v.version,
      v.sha256,
      v.behindBy,
      v.functions,
      v.aliases.map((a) => `${a.alias}>${a.version}`),
    ]),
    [
      [3, 'c'.repeat(16), 0, ['new', 'new:2'], ['new:live>new', 'new:prod>new:2']],
      [2, undefined, 1, ['old2'], []],
      [1, 'a'.repeat(16), 2, ['old1', 'new:1'], ['new:prod>new:1']],
    ],
  );
  assert.equal(usRow.account, '123456789012', 'read from the ARNs it lists');
  assert.deepEqual(usRow.aliasFailures, []);
  const usInventory = inventories.find((i) => i.region === 'us-east-1');
  assert.ok(usInventory?.status === 'ok');
  assert.equal(usInventory.functionCount, 4, 'functions, not their versions');
  const aliasCalls = [...gateways.values()].flatMap((g) => g.calls.filter((c) => c.startsWith('listAliases')));
  assert.deepEqual(aliasCalls, ['listAliases new'], 'only functions with published versions are asked');
  const euInventory = inventories.find((i) => i.region === 'eu-west-1');
  assert.ok(euInventory?.status === 'ok', 'unreadable aliases do not fail the region');
  assert.deepEqual(
    euInventory.aliasFailures.map((f) => f.function),
    ['x'],
  );
});

test('cancellation stops the whole load instead of becoming an error entry', async () => {
  const { fleet } = fakeFleet(REGIONS);
  const abort = new AbortController();
  abort.abort();
  for (const {
    session: { gateway: gw },
  } of fleet.targets) {
    // eslint-disable-next-line require-yield
    gw.listFunctionPages = async function* () {
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    };
  }
  await assert.rejects(
    loadInventory(fleet, { signal: abort.signal }),
    (e: Error) => e.name === 'AbortError' || e.name === 'CancelledError',
  );
});
