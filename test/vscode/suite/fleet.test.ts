// The fleet scope in a real extension host against the runner's local endpoint (which keeps regions apart by the
// signing region, as AWS does): Select Regions… (answers instead of pickers) changes the status bar and the Fleet
// view, Publish to Regions… and Roll Out… act on every region of the scope, and an empty pick goes back to the
// connection's region.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetFunctionConfigurationCommand, PublishLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import * as vscode from 'vscode';
import type { LambdaLayersApi } from '../../../src/extension';
import type { RegionPublishResult } from '../../../src/fleet/publish';
import type { RolloutRow } from '../../../src/fleet/rollout';
import type { PruneOutcome } from '../../../src/ops/retention';
import { createActiveFunction, handlerZip, lambdaClient, pythonPackageLayer } from '../../helpers/sandbox';

const EXTENSION_ID = 'lambda-layers.lambda-layers';
const REGIONS = ['us-east-1', 'eu-west-1'];

suite('fleet scope: regions, status bar, Fleet view, publish and roll out', function () {
  this.timeout(90_000);
  const endpoint = process.env.LAMBDA_LAYERS_TEST_ENDPOINT;
  const suffix = randomBytes(4).toString('hex');
  const layer = `fleet-${suffix}`;
  let api: LambdaLayersApi;
  let clients: Map<string, LambdaClient>;
  let dir: string;
  const arn = (region: string, v: number) => `arn:aws:lambda:${region}:123456789012:layer:${layer}:${v}`;

  /**
   * Resolves once every region of the scope has loaded (or failed). A scope change reaches the extension as a
   * configuration event a moment after the setting is written, and starts the inventory over, so this waits on it.
   */
  async function loaded(): Promise<void> {
    const { scope } = api.services;
    for (let i = 0; i < 100; i++) {
      await scope.loadInventory();
      if (scope.inventory.length === scope.regions.length && scope.inventory.every((s) => s.status !== 'loading'))
        return;
      await new Promise<void>((resolve) => {
        const sub = scope.onDidChangeInventory(() => (sub.dispose(), resolve()));
        setTimeout(() => (sub.dispose(), resolve()), 100);
      });
    }
    throw new Error('the fleet inventory never finished loading');
  }

  suiteSetup(async function () {
    if (!endpoint) this.skip();
    api = await vscode.extensions.getExtension<LambdaLayersApi>(EXTENSION_ID)!.activate();
    await api.services.connection.settled();
    clients = new Map(REGIONS.map((r) => [r, lambdaClient(endpoint, r)]));
    dir = await fs.mkdtemp(join(tmpdir(), 'fleet-suite-'));
    for (const [region, c] of clients) {
      await c.send(
        new PublishLayerVersionCommand({
          LayerName: layer,
          Content: { ZipFile: pythonPackageLayer('fleetdep', '1.0') },
        }),
      );
      await createActiveFunction(c, {
        FunctionName: `fleet-fn-${suffix}`,
        Runtime: 'python3.12',
        Role: 'arn:aws:iam::123456789012:role/x',
        Handler: 'handler.lambda_handler',
        Code: { ZipFile: handlerZip('def lambda_handler(event, context):\n    return event\n', 'handler.py') },
        Layers: [arn(region, 1)],
      });
    }
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('lambdaLayers.selectScope', { regions: [], profiles: [] });
    for (const c of clients?.values() ?? []) c.destroy();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  test('Select Regions… puts both regions in scope: the status bar says "Local @ 2 regions" and the Fleet view lists both', async () => {
    assert.equal(api.statusBar.text, '$(vm) Local @ us-east-1', 'one region before');
    await vscode.commands.executeCommand('lambdaLayers.selectScope', { regions: REGIONS, profiles: [] });
    assert.deepEqual(api.services.scope.regions, REGIONS);
    assert.equal(api.statusBar.text, '$(vm) Local @ 2 regions');
    await loaded();
    const roots = api.services.fleetTree.getChildren();
    assert.deepEqual(
      roots.map((r) => [r.label, r.contextValue]),
      REGIONS.map((r) => [r, 'fleetRegion']),
    );
    for (const root of roots) {
      const layerRow = api.services.fleetTree.getChildren(root).find((i) => i.label === layer);
      // The test bundle has its own copy of the item classes: compare by context value, not instanceof.
      assert.equal(layerRow?.contextValue, 'fleetLayer', `${String(root.label)} lists ${layer}`);
      assert.equal(layerRow.description, 'v1');
    }
  });

  test('a region that cannot be read (an opt-in region not enabled) is an error node of its own; the other region still shows', async () => {
    // AWS answers every call in an opt-in region the account has not enabled like this; injected into the scope's
    // eu-west-1 client, as the engine tests inject failing gateways.
    const fleet = await api.services.scope.fleet();
    const eu = fleet.targets.find((t) => t.region === 'eu-west-1')!.session.gateway;
    const original = eu.listLayers;
    eu.listLayers = () => {
      throw Object.assign(new Error('The security token included in the request is invalid.'), {
        name: 'UnrecognizedClientException',
        $metadata: { httpStatusCode: 403 },
      });
    };
    try {
      await api.services.scope.loadInventory(true);
      const roots = api.services.fleetTree.getChildren();
      assert.deepEqual(
        roots.map((r) => [r.label, r.contextValue]),
        [
          ['us-east-1', 'fleetRegion'],
          ['eu-west-1', 'error'],
        ],
      );
      assert.match(String(roots[1].description), /security token/);
      assert.ok(
        api.services.fleetTree.getChildren(roots[0]).some((i) => i.label === layer),
        'us-east-1 still lists its layers',
      );
      await vscode.commands.executeCommand('lambdaLayers.showFleet', layer);
      assert.deepEqual(
        api.services.fleetPanels.fleet?.rows.map((r) => [r.target, r.status]),
        [
          ['us-east-1', 'ok'],
          ['eu-west-1', 'error'],
        ],
      );
    } finally {
      eu.listLayers = original;
      await api.services.scope.loadInventory(true);
    }
  });

  test('Publish to Regions… publishes the zip to both regions, and again reuses it; the fleet page shows both', async () => {
    const zip = join(dir, 'deps.zip');
    await fs.writeFile(zip, pythonPackageLayer('fleetdep', '2.0'));
    const options = {
      zipUri: zip,
      name: layer,
      description: 'fleetdep 2.0',
      license: '',
      runtimes: ['python3.12'],
      architectures: [],
      align: false,
    };
    const first = await vscode.commands.executeCommand<RegionPublishResult[]>('lambdaLayers.publishToRegions', options);
    assert.deepEqual(
      first.map((r) => [r.target, r.status, 'layerVersion' in r ? r.layerVersion.LayerVersionArn : r.reason]),
      REGIONS.map((r) => [r, 'published', arn(r, 2)]),
    );
    const again = await vscode.commands.executeCommand<RegionPublishResult[]>('lambdaLayers.publishToRegions', options);
    assert.deepEqual(
      again.map((r) => r.status),
      ['unchanged', 'unchanged'],
    );
    await loaded();
    const page = api.services.fleetPanels.fleet;
    assert.equal(page?.layer, layer);
    assert.deepEqual(
      page?.rows.map((r) =>
        r.status === 'ok' ? [r.target, r.latest, r.behind, r.versions[1].functions] : [r.target, r.status],
      ),
      REGIONS.map((r) => [r, 2, 1, [`fleet-fn-${suffix}`]]),
    );
  });

  test('Roll Out… offers Compare Versions… before anything moves, comparing the versions of the region picked', async () => {
    const showWarning = vscode.window.showWarningMessage;
    const asked: string[][] = [];
    // The confirmation: Compare Versions… first, then cancel, so nothing moves.
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = (
      _m: string,
      _o: vscode.MessageOptions,
      ...items: string[]
    ) => {
      asked.push(items);
      return Promise.resolve(asked.length === 1 ? 'Compare Versions…' : undefined);
    };
    // Two regions, two version changes: the pick of which one to compare takes the first offered.
    const createQuickPick = vscode.window.createQuickPick;
    (vscode.window as { createQuickPick: unknown }).createQuickPick = () => firstItemPick();
    api.services.stackPanels.comparison = undefined;
    try {
      await vscode.commands.executeCommand('lambdaLayers.rollOut', layer, {
        dryRun: false,
        canary: 1,
        smoke: { kind: 'none' },
      });
    } finally {
      (vscode.window as { showWarningMessage: unknown }).showWarningMessage = showWarning;
      (vscode.window as { createQuickPick: unknown }).createQuickPick = createQuickPick;
    }
    assert.deepEqual(asked[0], ['Roll Out', 'Compare Versions…']);
    assert.equal(asked.length, 2, 'asked again after the comparison');
    const compared = api.services.stackPanels.comparison as { before: string; after: string } | undefined;
    assert.ok(compared, 'a comparison was shown');
    const region = REGIONS.find((r) => compared.before === arn(r, 1));
    assert.ok(region && compared.after === arn(region, 2), `${compared.before} → ${compared.after}`);
    for (const [r, c] of clients) {
      const config = await c.send(new GetFunctionConfigurationCommand({ FunctionName: `fleet-fn-${suffix}` }));
      assert.deepEqual(
        config.Layers?.map((l) => l.Arn),
        [arn(r, 1)],
        'cancelled after comparing: nothing moved',
      );
    }
  });

  test('Roll Out… with one canary moves the function in both regions to version 2', async () => {
    const rows = await vscode.commands.executeCommand<RolloutRow[]>('lambdaLayers.rollOut', layer, {
      dryRun: false,
      canary: 1,
      smoke: { kind: 'none' },
      confirmed: true,
    });
    assert.deepEqual(rows.map((r) => [r.target, r.result]).sort(), REGIONS.map((r) => [r, 'updated']).sort());
    assert.equal(rows.filter((r) => r.canary).length, 1);
    for (const [region, c] of clients) {
      const config = await c.send(new GetFunctionConfigurationCommand({ FunctionName: `fleet-fn-${suffix}` }));
      assert.deepEqual(
        config.Layers?.map((l) => l.Arn),
        [arn(region, 2)],
      );
    }
    const saved = vscode.Uri.file(join(dir, 'rollout.csv'));
    await api.services.fleetPanels.saveRollout(saved);
    assert.match(
      await fs.readFile(saved.fsPath, 'utf8'),
      new RegExp(`eu-west-1,eu-west-1,fleet-fn-${suffix},[^,]+:1,[^,]+:2,updated`),
    );
  });

  test('Prune Old Versions… previews and deletes across both regions of the scope, never a version in use', async () => {
    await vscode.commands.executeCommand('lambdaLayers.refresh');
    const layerRow = api.services.views.layers
      .getChildren()
      .find((i) => i.contextValue === 'layer' && i.label === layer);
    assert.ok(layerRow, "the Layers view (the connection's region) lists the layer");
    const outcomes = await vscode.commands.executeCommand<PruneOutcome[]>('lambdaLayers.pruneLayerVersions', layerRow, {
      keep: 0,
      minAgeDays: null,
      confirmed: true,
    });
    assert.deepEqual(
      outcomes.map((o) => [o.region, o.version, o.status]).sort(),
      REGIONS.flatMap((r) => [
        [r, 1, 'deleted'],
        [r, 2, 'kept'],
      ]).sort(),
      'version 1 is unused after the rollout; version 2 is in use in each region',
    );
  });

  test("picking only the connection's region clears the scope", async () => {
    await vscode.commands.executeCommand('lambdaLayers.selectScope', { regions: ['us-east-1'], profiles: [] });
    assert.deepEqual(vscode.workspace.getConfiguration('lambdaLayers').get('scope.regions'), []);
    assert.equal(api.statusBar.text, '$(vm) Local @ us-east-1');
  });
});

/** Stands in for a quick pick that the user answers with its first item as soon as it is shown. */
function firstItemPick() {
  const accepted: Array<() => void> = [];
  const pick = {
    title: '',
    placeholder: '',
    items: [] as vscode.QuickPickItem[],
    activeItems: [] as vscode.QuickPickItem[],
    selectedItems: [] as vscode.QuickPickItem[],
    onDidAccept: (listener: () => void) => (accepted.push(listener), { dispose() {} }),
    onDidHide: () => ({ dispose() {} }),
    show() {
      pick.selectedItems = [pick.items[0]];
      setImmediate(() => accepted.forEach((l) => l()));
    },
    dispose() {},
  };
  return pick;
}
