// Attach, move, detach, update and delete through the commands, in a real extension host against the runner's
// local endpoint. The commands take a tree node (or an ARN) plus an options object, so no picker or modal opens;
// every assertion on the Functions view reads the tree right after the command, without a Refresh.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import * as vscode from 'vscode';
import { attachPreview } from '../../../src/commands/layers/functionPicker';
import type { LambdaLayersApi } from '../../../src/extension';
import type { DeletePlan } from '../../../src/ops/deleteLayer';
import type { FunctionOutcome } from '../../../src/ops/outcomes';
import type { ExplorerItem } from '../../../src/views/items/explorerItem';
import { createActiveFunction, handlerZip, lambdaClient, pythonPackageLayer } from '../../helpers/sandbox';

const EXTENSION_ID = 'lambda-layers.lambda-layers';
const ROLE = 'arn:aws:iam::123456789012:role/x';

type Item = ExplorerItem & Record<string, unknown>;

suite('layer operations', function () {
  this.timeout(60_000);
  const endpoint = process.env.LAMBDA_LAYERS_TEST_ENDPOINT;
  const suffix = randomBytes(4).toString('hex');
  const layer = `ops-layer-${suffix}`;
  const other = `ops-other-${suffix}`;
  const fnA = `ops-a-${suffix}`;
  const fnB = `ops-b-${suffix}`;
  const fnC = `ops-c-${suffix}`;
  const fnArm = `ops-arm-${suffix}`;
  const arns: string[] = [];
  let otherArn: string;
  let api: LambdaLayersApi;
  let client: LambdaClient;

  const functionsView = () => api.services.views.functions;
  const layersView = () => api.services.views.layers;
  const functionItem = (name: string) => find(functionsView().getChildren(), 'function', name);
  const attachedLabels = (name: string) =>
    functionsView()
      .getChildren(functionItem(name))
      .map((i) => String(i.label));
  const versionItem = (version: number) =>
    find(
      layersView().getChildren(find(layersView().getChildren(), 'layer', layer)),
      'layerVersion',
      `Version ${version}`,
    );

  suiteSetup(async function () {
    if (!endpoint) this.skip(); // the runner started no endpoint
    api = await vscode.extensions.getExtension<LambdaLayersApi>(EXTENSION_ID)!.activate();
    client = lambdaClient(endpoint);
    for (const version of ['1.0.0', '2.0.0']) {
      const published = await client.send(
        new PublishLayerVersionCommand({
          LayerName: layer,
          CompatibleRuntimes: ['python3.12'],
          CompatibleArchitectures: ['x86_64'],
          Content: { ZipFile: pythonPackageLayer('opsdep', version) },
        }),
      );
      arns.push(published.LayerVersionArn!);
    }
    otherArn = (
      await client.send(
        new PublishLayerVersionCommand({
          LayerName: other,
          Content: { ZipFile: pythonPackageLayer('otherdep', '0.1.0') },
        }),
      )
    ).LayerVersionArn!;
    const create = (name: string, layers: string[], runtime = 'python3.12', arch: 'x86_64' | 'arm64' = 'x86_64') =>
      createActiveFunction(client, {
        FunctionName: name,
        Runtime: runtime as 'python3.12',
        Architectures: [arch],
        Handler: 'handler.lambda_handler',
        Role: ROLE,
        Code: { ZipFile: handlerZip('def lambda_handler(event, context):\n    return event\n', 'handler.py') },
        Layers: layers,
      });
    await Promise.all([
      create(fnA, []),
      create(fnB, [arns[0]]),
      create(fnC, [arns[0]]),
      create(fnArm, [], 'python3.11', 'arm64'),
    ]);
    await vscode.commands.executeCommand('lambdaLayers.refresh');
  });

  suiteTeardown(() => client?.destroy());

  test('the attach picker lists mismatching functions with their warnings instead of hiding them', () => {
    const target = {
      arn: arns[1],
      layerArn: arns[1].replace(/:\d+$/, ''),
      name: layer,
      version: 2,
      runtimes: ['python3.12'],
      architectures: ['x86_64'],
    };
    const model = api.services.explorer.model!;
    const arm = attachPreview(model.getFunction(fnArm)!, target);
    assert.equal(arm.warnings.length, 2, arm.warnings.join('\n'));
    assert.match(arm.warnings.join(' '), /python3\.11.*python3\.12/);
    assert.match(arm.warnings.join(' '), /arm64.*x86_64/);
    assert.deepEqual(attachPreview(model.getFunction(fnA)!, target), {
      functionName: fnA,
      note: undefined,
      warnings: [],
    });
    assert.equal(attachPreview(model.getFunction(fnB)!, target).note, 'replaces v1');
  });

  test('Attach from a version node updates the functions in the tree without a refresh', async () => {
    assert.deepEqual(attachedLabels(fnA), []);
    const notified = new Set<string>();
    const subscription = functionsView().onDidChangeTreeData((item) => item && notified.add(String(item.label)));
    const outcomes = await vscode.commands.executeCommand<FunctionOutcome[]>(
      'lambdaLayers.attachLayer',
      versionItem(2),
      { functions: [fnA, fnArm] },
    );
    subscription.dispose();
    assert.deepEqual(
      outcomes.map((o) => [o.function, o.status]),
      [
        [fnA, 'ok'],
        [fnArm, 'ok'],
      ],
    );
    assert.equal(outcomes[1].warnings.length, 2, 'mismatches are warnings on the outcome, not refusals');
    assert.ok(notified.has(fnA) && notified.has(fnArm), `the view was told about ${[...notified].join(', ')}`);
    assert.equal(functionItem(fnA).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.deepEqual(attachedLabels(fnA), [`${layer}:2`]);
    assert.deepEqual(attachedLabels(fnArm), [`${layer}:2`]);
    // The Layers view's used-by list follows.
    const usedBy = find(layersView().getChildren(versionItem(2)), 'usedBy');
    assert.deepEqual(
      layersView()
        .getChildren(usedBy)
        .map((i) => i.label)
        .sort(),
      [fnA, fnArm].sort(),
    );
  });

  test('Attach by ARN (as after a publish) appends; Move Up reorders; Detach removes exactly that layer', async () => {
    await vscode.commands.executeCommand('lambdaLayers.attachLayer', otherArn, { functions: [fnA] });
    assert.deepEqual(attachedLabels(fnA), [`${layer}:2`, `${other}:1`]);

    const otherRow = find(functionsView().getChildren(functionItem(fnA)), 'functionLayer', `${other}:1`);
    await vscode.commands.executeCommand('lambdaLayers.moveLayerUp', otherRow);
    assert.deepEqual(attachedLabels(fnA), [`${other}:1`, `${layer}:2`]);

    const moved = find(functionsView().getChildren(functionItem(fnA)), 'functionLayer', `${other}:1`);
    await vscode.commands.executeCommand('lambdaLayers.detachLayer', moved, { confirmed: true });
    assert.deepEqual(attachedLabels(fnA), [`${layer}:2`]);
  });

  test('Update to Latest Version on an outdated layer row moves that function to the newest version', async () => {
    const outdated = find(functionsView().getChildren(functionItem(fnB)), 'functionLayer.outdated', `${layer}:1`);
    await vscode.commands.executeCommand('lambdaLayers.updateLayerToLatest', outdated);
    assert.deepEqual(attachedLabels(fnB), [`${layer}:2`]);
  });

  test('Update All Functions to Latest on a layer moves every function still on an older version', async () => {
    const layerRow = find(layersView().getChildren(), 'layer', layer);
    const outcomes = await vscode.commands.executeCommand<FunctionOutcome[]>(
      'lambdaLayers.updateAllFunctions',
      layerRow,
      { confirmed: true },
    );
    assert.deepEqual(
      outcomes.map((o) => [o.function, o.status]),
      [[fnC, 'ok']],
    );
    assert.deepEqual(attachedLabels(fnC), [`${layer}:2`]);
  });

  test('Delete Layer Version names the functions still using it and deletes exactly that version', async () => {
    const unused = await vscode.commands.executeCommand<DeletePlan>('lambdaLayers.deleteLayerVersion', versionItem(1), {
      confirmed: true,
    });
    assert.deepEqual(unused.usedBy, []);
    assert.equal(unused.layerVersionArn, arns[0]);
    const versions = layersView().getChildren(find(layersView().getChildren(), 'layer', layer));
    assert.deepEqual(
      versions.map((v) => v.label),
      ['Version 2'],
    );

    const used = await vscode.commands.executeCommand<DeletePlan>('lambdaLayers.deleteLayerVersion', arns[1], {
      confirmed: true,
    });
    assert.deepEqual(used.usedBy, [fnA, fnArm, fnB, fnC].sort());
    assert.equal(
      layersView()
        .getChildren()
        .some((i) => i.label === layer),
      false,
      'a layer without versions leaves the view',
    );
    // Functions keep the deleted version (Lambda keeps a copy for them).
    assert.deepEqual(attachedLabels(fnC).length, 1);
  });
});

function find(items: ExplorerItem[], contextValue: string, label?: string): Item {
  const found = items.find((i) => i.contextValue === contextValue && (label === undefined || i.label === label));
  assert.ok(
    found,
    `no ${contextValue} item ${label ?? ''} among: ${items.map((i) => `${i.contextValue}:${String(i.label)}`).join(', ')}`,
  );
  return found as Item;
}
