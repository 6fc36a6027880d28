// Prune and share through the commands, in a real extension host against the runner's local endpoint. The
// commands take a tree node plus an answers object, so no picker or modal opens; the "Shared with" row is read
// from the Layers view as the user would see it after each change.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import * as vscode from 'vscode';
import type { LambdaLayersApi } from '../../../src/extension';
import type { PruneOutcome } from '../../../src/ops/retention';
import type { ExplorerItem } from '../../../src/views/items/explorerItem';
import { createActiveFunction, handlerZip, lambdaClient, pythonPackageLayer } from '../../helpers/sandbox';

const EXTENSION_ID = 'lambda-layers.lambda-layers';
const ROLE = 'arn:aws:iam::123456789012:role/x';

suite('layer lifecycle: prune and share', function () {
  this.timeout(60_000);
  const endpoint = process.env.LAMBDA_LAYERS_TEST_ENDPOINT;
  const suffix = randomBytes(4).toString('hex');
  const layer = `life-${suffix}`;
  const fn = `life-fn-${suffix}`;
  let api: LambdaLayersApi;
  let client: LambdaClient;

  const layersView = () => api.services.views.layers;
  const find = (items: ExplorerItem[], context: string, label?: string) => {
    const item = items.find((i) => i.contextValue === context && (label === undefined || i.label === label));
    assert.ok(
      item,
      `no ${context} ${label ?? ''} among ${items.map((i) => `${i.contextValue}:${String(i.label)}`).join(', ')}`,
    );
    return item;
  };
  const layerItem = () => find(layersView().getChildren(), 'layer', layer);
  const versionItem = (v: number) => find(layersView().getChildren(layerItem()), 'layerVersion', `Version ${v}`);
  /** The rows under "Shared with", once the policy has arrived (the row refreshes itself when it does). */
  async function sharedWith(v: number): Promise<ExplorerItem[]> {
    const row = find(layersView().getChildren(versionItem(v)), 'sharedWith');
    for (let i = 0; i < 200; i++) {
      const children = layersView().getChildren(row);
      if (!children.some((c) => c.contextValue === 'loading')) return children;
      await new Promise<void>((resolve) => {
        const sub = layersView().onDidChangeTreeData(() => (sub.dispose(), resolve()));
        setTimeout(() => (sub.dispose(), resolve()), 100);
      });
    }
    throw new Error('the policy never arrived');
  }

  suiteSetup(async function () {
    if (!endpoint) this.skip();
    api = await vscode.extensions.getExtension<LambdaLayersApi>(EXTENSION_ID)!.activate();
    client = lambdaClient(endpoint);
    for (let i = 1; i <= 4; i++) {
      await client.send(
        new PublishLayerVersionCommand({
          LayerName: layer,
          Content: { ZipFile: pythonPackageLayer('lifedep', `${i}.0`) },
        }),
      );
    }
    await createActiveFunction(client, {
      FunctionName: fn,
      Runtime: 'python3.12',
      Role: ROLE,
      Handler: 'handler.lambda_handler',
      Code: { ZipFile: handlerZip('def lambda_handler(event, context):\n    return event\n', 'handler.py') },
      Layers: [`arn:aws:lambda:us-east-1:123456789012:layer:${layer}:1`],
    });
    await vscode.commands.executeCommand('lambdaLayers.refresh');
  });

  suiteTeardown(() => client?.destroy());

  test('Share Layer Version… to an account and to everyone shows in "Shared with"; Revoke… removes it', async () => {
    assert.equal((await sharedWith(4))[0].contextValue, 'empty');
    await vscode.commands.executeCommand('lambdaLayers.shareLayerVersion', versionItem(4), {
      target: { kind: 'account', accountId: '210987654321' },
    });
    await vscode.commands.executeCommand('lambdaLayers.shareLayerVersion', versionItem(4), {
      target: { kind: 'public' },
      confirmed: true,
    });
    const grants = await sharedWith(4);
    assert.deepEqual(
      grants.map((g) => [g.contextValue, String(g.label), g.description]),
      [
        ['layerGrant', 'account 210987654321', 'account-210987654321'],
        ['layerGrant', 'everyone (public)', 'public'],
      ],
    );
    await vscode.commands.executeCommand('lambdaLayers.revokeLayerPermission', grants[1], { confirmed: true });
    assert.deepEqual(
      (await sharedWith(4)).map((g) => g.description),
      ['account-210987654321'],
    );
  });

  test('Prune Old Versions… keeps the newest and the used version, deletes the rest, and the tree follows', async () => {
    const outcomes = await vscode.commands.executeCommand<PruneOutcome[]>(
      'lambdaLayers.pruneLayerVersions',
      layerItem(),
      { keep: 1, minAgeDays: null, confirmed: true },
    );
    assert.deepEqual(
      outcomes.map((o) => `${o.version} ${o.status}`),
      ['4 kept', '3 deleted', '2 deleted', '1 kept'],
    );
    assert.match(outcomes[3].reason, new RegExp(`used by ${fn}`));
    assert.deepEqual(
      layersView()
        .getChildren(layerItem())
        .map((i) => String(i.label)),
      ['Version 4', 'Version 1'],
    );
  });
});
