// Published versions and aliases in the explorer of a real extension host, against the runner's local endpoint:
// under a function, each version with the layers it pins and each alias with its routing; a layer version used
// only by an old published version still counts as used. Runs in English and, with --locale zh-cn, in Chinese.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CreateAliasCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import * as vscode from 'vscode';
import type { LambdaLayersApi } from '../../../src/extension';
import type { ExplorerItem } from '../../../src/views/items/explorerItem';
import { TEST_ROLE, createActiveFunction, handlerZip, lambdaClient, pythonPackageLayer } from '../../helpers/sandbox';

const EXTENSION_ID = 'lambda-layers.lambda-layers';

suite('published versions and aliases in the explorer', function () {
  this.timeout(120_000);
  const endpoint = process.env.LAMBDA_LAYERS_TEST_ENDPOINT;
  const suffix = randomBytes(4).toString('hex');
  const layerName = `pinned-${suffix}`;
  const fn = `versioned-${suffix}`;
  let api: LambdaLayersApi;
  let client: LambdaClient;
  const arns: string[] = [];
  const zh = vscode.env.language === 'zh-cn';

  const child = (items: ExplorerItem[], contextValue: string, label?: string) => {
    const found = items.find((i) => i.contextValue === contextValue && (label === undefined || i.label === label));
    assert.ok(
      found,
      `no ${contextValue} ${label ?? ''} among ${items.map((i) => `${i.contextValue}:${String(i.label)}`).join(', ')}`,
    );
    return found;
  };

  suiteSetup(async function () {
    if (!endpoint) this.skip(); // the runner started no endpoint
    api = await vscode.extensions.getExtension<LambdaLayersApi>(EXTENSION_ID)!.activate();
    client = lambdaClient(endpoint);
    for (const version of ['1.0.0', '2.0.0', '3.0.0']) {
      const v = await client.send(
        new PublishLayerVersionCommand({
          LayerName: layerName,
          Content: { ZipFile: pythonPackageLayer('pinned', version) },
        }),
      );
      arns.push(v.LayerVersionArn!);
    }
    // Version 1 pins layer version 1, version 2 pins layer version 2; $LATEST then moves on to layer version 3.
    await createActiveFunction(client, {
      FunctionName: fn,
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handlerZip('def handler(event, context):\n    return event\n') },
      Layers: [arns[0]],
      Publish: true,
    });
    for (const arn of [arns[1], arns[2]]) {
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Layers: [arn] }));
      await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 20, minDelay: 0.1, maxDelay: 0.5 }, { FunctionName: fn });
      if (arn === arns[1]) await client.send(new PublishVersionCommand({ FunctionName: fn }));
    }
    await client.send(
      new CreateAliasCommand({
        FunctionName: fn,
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { 2: 0.25 } },
      }),
    );
    await vscode.commands.executeCommand('lambdaLayers.refresh');
  });

  suiteTeardown(() => client?.destroy());

  test('a function shows its layers, then its published versions with the layers each pins, then its aliases', () => {
    const { functions } = api.services.views;
    const row = child(functions.getChildren(), 'function', fn);
    const children = functions.getChildren(row);
    assert.deepEqual(
      children.map((i) => `${i.contextValue}:${String(i.label)}`),
      [
        `functionLayer:${layerName}:3`,
        `functionVersions:${vscode.l10n.t('Published versions ({0})', 2)}`,
        `functionAliases:${vscode.l10n.t('Aliases ({0})', 1)}`,
      ],
    );
    if (zh) assert.equal(children[1].label, '已发布版本（2）');

    const versions = functions.getChildren(children[1]);
    assert.deepEqual(
      versions.map((v) => String(v.label)),
      [vscode.l10n.t('Version {0}', '2'), vscode.l10n.t('Version {0}', '1')],
      'newest first',
    );
    assert.match(String(versions[1].description), /^live · /, 'the alias that points at version 1 is named on it');
    assert.deepEqual(
      functions.getChildren(versions[0]).map((l) => [l.contextValue, String(l.label)]),
      [['pinnedLayer', `${layerName}:2`]],
    );
    assert.deepEqual(
      functions.getChildren(versions[1]).map((l) => [l.contextValue, String(l.label)]),
      [['pinnedLayer', `${layerName}:1`]],
    );

    const [live] = functions.getChildren(children[2]);
    assert.equal(live.label, 'live');
    assert.equal(live.description, vscode.l10n.t('→ {0} ({1}%), {2} ({3}%)', '1', 75, '2', 25));
    if (zh) assert.equal(live.description, '→ 1（75%），2（25%）');
    assert.deepEqual(
      functions.getChildren(live).map((l) => String(l.label)),
      [`${layerName}:1`],
      "the alias's layers are those of its version",
    );
  });

  test('used-by counts published versions: a layer version used only by an old version is still used', () => {
    const { layers } = api.services.views;
    const layer = child(layers.getChildren(), 'layer', layerName);
    const versions = layers.getChildren(layer);
    assert.deepEqual(
      versions.map((v) => String(v.description).split(' · ')[0]),
      [1, 1, 1].map(() => vscode.l10n.t('1 function')),
    );
    const usedBy = (index: number) =>
      layers.getChildren(child(layers.getChildren(versions[index]), 'usedBy')).map((i) => String(i.label));
    assert.deepEqual([usedBy(0), usedBy(1), usedBy(2)], [[fn], [`${fn}:2`], [`${fn}:1`]]);
  });
});
