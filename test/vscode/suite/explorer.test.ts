// The explorer in a real extension host: contributions, connection to the runner's local endpoint, and the
// trees showing what that endpoint holds. Items are read through the extension's own tree data providers
// (exported by `activate` for tests), so assertions see exactly what VS Code renders.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  LambdaClient,
  PublishLayerVersionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import * as vscode from 'vscode';
import type { LambdaLayersApi } from '../../../src/extension';
import { lambdaConsoleUrl } from '../../../src/commands/consoleUrl';
import type { ExplorerItem } from '../../../src/views/items/explorerItem';
import { TEST_ROLE, createActiveFunction, handlerZip, lambdaClient, pythonPackageLayer } from '../../helpers/sandbox';

const EXTENSION_ID = 'lambda-layers.lambda-layers';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    menus: { commandPalette: { command: string; when: string }[] };
  };
}

/** Tree items come from the extension's bundle, so they are matched by what VS Code sees, not by class. */
type Item = ExplorerItem & Record<string, unknown>;

function byContext(items: ExplorerItem[], contextValue: string, label?: string): Item {
  const found = items.find((i) => i.contextValue === contextValue && (label === undefined || i.label === label));
  assert.ok(
    found,
    `no ${contextValue} item ${label ?? ''} among: ${items.map((i) => `${i.contextValue}:${String(i.label)}`).join(', ')}`,
  );
  return found as Item;
}

suite('explorer', () => {
  let extension: vscode.Extension<LambdaLayersApi>;
  let api: LambdaLayersApi;

  suiteSetup(async () => {
    const found = vscode.extensions.getExtension<LambdaLayersApi>(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not loaded`);
    extension = found;
    api = await extension.activate();
  });

  test('activation returns the services used by commands and tests', () => {
    const { connection, explorer, views, log } = api.services;
    assert.ok(connection && explorer && log);
    assert.ok(views.layers && views.functions && views.layersView && views.functionsView);
  });

  test('contributes the three views (Layers, Functions, Fleet) and registers every contributed command', async () => {
    const manifest = extension.packageJSON as Manifest;
    assert.deepEqual(
      manifest.contributes.views.lambdaLayers.map((v) => v.id),
      ['lambdaLayers.layers', 'lambdaLayers.functions', 'lambdaLayers.fleet'],
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { command } of manifest.contributes.commands)
      assert.ok(registered.has(command), `${command} is not registered`);
    for (const view of ['lambdaLayers.layers', 'lambdaLayers.functions', 'lambdaLayers.fleet'])
      assert.ok(registered.has(`${view}.focus`), `${view} is not a view`);
    // Tree-only commands stay out of the palette.
    const hidden = manifest.contributes.menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command);
    assert.deepEqual(hidden.sort(), [
      'lambdaLayers.detachLayer',
      'lambdaLayers.loadMore',
      'lambdaLayers.moveLayerDown',
      'lambdaLayers.moveLayerUp',
      'lambdaLayers.revealFunction',
      'lambdaLayers.updateLayerToLatest',
    ]);
  });

  test('console URLs point at the Lambda console of the right partition', () => {
    assert.equal(
      lambdaConsoleUrl('eu-west-1', { kind: 'function', name: 'my-fn' }),
      'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/my-fn',
    );
    assert.equal(
      lambdaConsoleUrl('us-east-1', { kind: 'layerVersion', name: 'deps', version: 3 }),
      'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/layers/deps/versions/3',
    );
    assert.equal(
      lambdaConsoleUrl('cn-north-1', { kind: 'layer', name: 'deps' }),
      'https://console.amazonaws.cn/lambda/home?region=cn-north-1#/layers/deps',
    );
    assert.match(
      lambdaConsoleUrl('us-gov-west-1', { kind: 'layer', name: 'x' }),
      /^https:\/\/console\.amazonaws-us-gov\.com\//,
    );
  });

  suite('against the local endpoint', () => {
    const endpoint = process.env.LAMBDA_LAYERS_TEST_ENDPOINT;
    const suffix = randomBytes(4).toString('hex');
    const layerName = `explorer-layer-${suffix}`;
    const functionName = `explorer-fn-${suffix}`;
    let client: LambdaClient;
    const arns: string[] = [];

    suiteSetup(async function () {
      if (!endpoint) this.skip(); // the runner started no endpoint
      client = lambdaClient(endpoint);
      for (const version of ['1.0.0', '2.0.0']) {
        const published = await client.send(
          new PublishLayerVersionCommand({
            LayerName: layerName,
            Description: `requests ${version}`,
            CompatibleRuntimes: ['python3.12'],
            CompatibleArchitectures: ['x86_64'],
            Content: { ZipFile: pythonPackageLayer('requests', version) },
          }),
        );
        arns.push(published.LayerVersionArn!);
      }
      await createActiveFunction(client, {
        FunctionName: functionName,
        Runtime: 'python3.12',
        Handler: 'lambda_function.handler',
        Role: TEST_ROLE,
        Code: { ZipFile: handlerZip('def handler(event, context):\n    return event\n') },
        Layers: [arns[0]],
      });
    });

    suiteTeardown(() => client?.destroy());

    test('is connected to the runner endpoint in local mode', async () => {
      await api.services.connection.settled();
      assert.equal(api.services.connection.state, 'ready');
      const live = api.services.connection.require();
      assert.equal(live.isLocal, true);
      assert.equal(live.settings.endpoint, endpoint);
    });

    test('after Refresh the Layers view shows the layer, its versions newest first and their details', async () => {
      await vscode.commands.executeCommand('lambdaLayers.refresh');
      const { layers } = api.services.views;
      const layer = byContext(layers.getChildren(), 'layer', layerName);
      assert.match(String(layer.description), /v2/);

      const versions = layers.getChildren(layer);
      assert.deepEqual(
        versions.map((v) => [v.contextValue, (v as Item).version]),
        [
          ['layerVersion', 2],
          ['layerVersion', 1],
        ],
      );
      assert.equal(layers.getParent(versions[0]), layer);

      const v1 = layers.getChildren(versions[1]);
      const detail = (key: string) => {
        const item = v1.find((i) => i.id?.endsWith(`/${key}`));
        assert.ok(item, `no ${key} detail`);
        return String(item.description);
      };
      assert.equal(detail('arn'), arns[0]);
      assert.equal(detail('runtimes'), 'python3.12');
      assert.equal(detail('architectures'), 'x86_64');
      assert.equal(detail('description'), 'requests 1.0.0');
      const usedBy = byContext(v1, 'usedBy');
      assert.deepEqual(
        layers.getChildren(usedBy).map((i) => i.label),
        [functionName],
      );
      // Version 2 is used by nobody.
      const v2 = layers.getChildren(versions[0]);
      assert.equal(
        v2.some((i) => i.contextValue === 'usedBy'),
        false,
      );
    });

    test('the Functions view shows the function and marks its outdated layer', async () => {
      const { functions } = api.services.views;
      const fn = byContext(functions.getChildren(), 'function', functionName);
      assert.equal(fn.description, 'python3.12 · x86_64');
      const attached = functions.getChildren(fn);
      assert.equal(attached.length, 1);
      const layer = byContext(attached, 'functionLayer.outdated', `${layerName}:1`);
      assert.match(String(layer.description), /v2/);
      assert.equal(functions.getParent(layer), fn);
      assert.equal(await api.services.views.revealFunction(functionName), true);
    });

    test('Refresh on a function node re-reads that function', async () => {
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: functionName, Layers: [arns[1]] }));
      await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 20 }, { FunctionName: functionName });
      const { functions } = api.services.views;
      const fn = byContext(functions.getChildren(), 'function', functionName);
      await vscode.commands.executeCommand('lambdaLayers.refresh', fn);
      const attached = functions.getChildren(fn);
      byContext(attached, 'functionLayer', `${layerName}:2`);
      // Used-by lists follow: version 2 now has the function.
      const { layers } = api.services.views;
      const versions = layers.getChildren(byContext(layers.getChildren(), 'layer', layerName));
      assert.ok(layers.getChildren(versions[0]).some((i) => i.contextValue === 'usedBy'));
    });

    test('Copy ARN on a layer version node copies its ARN', async () => {
      const { layers } = api.services.views;
      const versions = layers.getChildren(byContext(layers.getChildren(), 'layer', layerName));
      await vscode.commands.executeCommand('lambdaLayers.copyArn', versions[1]);
      assert.equal(await vscode.env.clipboard.readText(), arns[0]);
    });
  });
});
