// Invoke, the result page, saved test events, the import check and the local invoke, in a real extension host
// against the runner's local endpoint (which runs the Python handlers). Commands get their inputs as an options
// object; what the result page shows is read from the extension's test API (`services.invokeResults.model`).
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import * as vscode from 'vscode';
import type { LambdaLayersApi } from '../../../src/extension';
import type { ProbePageModel } from '../../../src/invoke/probePage';
import type { InvokeView } from '../../../src/invoke/result';
import type { ExplorerItem } from '../../../src/views/items/explorerItem';
import { createActiveFunction, handlerZip, lambdaClient, pythonPackageLayer } from '../../helpers/sandbox';

const EXTENSION_ID = 'lambda-layers.lambda-layers';
const ROLE = 'arn:aws:iam::123456789012:role/x';
const HANDLER = `import json


def lambda_handler(event, context):
    print("received", json.dumps(event))
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"echo": event}
`;

suite('invoke', function () {
  this.timeout(120_000);
  const endpoint = process.env.LAMBDA_LAYERS_TEST_ENDPOINT;
  const suffix = randomBytes(4).toString('hex');
  const fn = `invoke-fn-${suffix}`;
  const layer = `invoke-layer-${suffix}`;
  let layerArn: string;
  let api: LambdaLayersApi;
  let client: LambdaClient;
  let workspace: string;

  const page = () => api.services.invokeResults.model;
  const invoke = (arg: unknown, options?: object) =>
    vscode.commands.executeCommand<InvokeView | undefined>('lambdaLayers.invokeFunction', arg, options);
  const functionNode = () => {
    const found = api.services.views.functions
      .getChildren()
      .find((i: ExplorerItem) => i.contextValue === 'function' && i.label === fn);
    assert.ok(found, `${fn} is not in the Functions view`);
    return found;
  };

  suiteSetup(async function () {
    if (!endpoint) this.skip(); // the runner started no endpoint
    api = await vscode.extensions.getExtension<LambdaLayersApi>(EXTENSION_ID)!.activate();
    workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
    client = lambdaClient(endpoint);
    layerArn = (
      await client.send(
        new PublishLayerVersionCommand({
          LayerName: layer,
          CompatibleRuntimes: ['python3.12'],
          CompatibleArchitectures: ['x86_64'],
          Content: { ZipFile: pythonPackageLayer('greetpkg', '1.2.3') },
        }),
      )
    ).LayerVersionArn!;
    await createActiveFunction(client, {
      FunctionName: fn,
      Runtime: 'python3.12',
      Handler: 'handler.lambda_handler',
      Role: ROLE,
      Code: { ZipFile: handlerZip(HANDLER, 'handler.py') },
      Layers: [layerArn],
    });
    await vscode.commands.executeCommand('lambdaLayers.refresh');
  });

  suiteTeardown(() => client?.destroy());

  test('Invoke on a function node opens the result page with the response, log and REPORT figures', async () => {
    const view = await invoke(functionNode(), { payload: { hello: 'world' } });
    assert.ok(view, 'the invoke failed (see the extension log)');
    assert.deepEqual(JSON.parse(view.payloadText), { echo: { hello: 'world' } });
    assert.equal(view.ok, true);
    assert.match(view.log ?? '', /received \{"hello": "world"\}/);
    assert.ok(view.report?.durationMs !== undefined && view.report.billedDurationMs !== undefined);

    const model = page();
    assert.ok(model && api.services.invokeResults.visible, 'the result page is shown');
    assert.equal(model.functionName, fn);
    assert.match(model.target, /us-east-1/);
    assert.equal(model.selected, 0);
    assert.match(model.results[0].payload, /"hello": "world"/);
    assert.equal(model.results[0].stored, false);
  });

  test('a saved test event is sent by name and joins the recent results; invalid JSON is stopped before sending', async () => {
    const dir = path.join(workspace, '.lambda-layers', 'events', fn);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'order.json'), '{"order": 7}\n');
    await fs.writeFile(path.join(dir, 'broken.json'), '{\n  "order": 7,\n}\n');

    const view = await invoke(fn, { eventName: 'order' });
    assert.deepEqual(JSON.parse(view!.payloadText), { echo: { order: 7 } });
    assert.equal(page()?.results[0].eventName, 'order');
    assert.equal(page()?.results.length, 2);

    assert.equal(await invoke(fn, { eventName: 'broken' }), undefined, 'nothing was invoked');
    assert.equal(page()?.results.length, 2);
  });

  test('a function error shows its type and message on the page', async () => {
    const view = await invoke(fn, { payload: '{"fail": true}' });
    assert.equal(view?.ok, false);
    assert.equal(view?.functionError?.type, 'ValueError');
    const shown = page()!.results[0];
    assert.equal(shown.error?.type, 'ValueError');
    assert.equal(shown.error?.message, 'asked to fail');
    assert.ok(shown.error!.stack.length > 0);
  });

  test('Check Layer Imports on a layer version imports its packages on the runtime; the probe can be deleted', async () => {
    const layers = api.services.views.layers;
    const layerRow = layers.getChildren().find((i) => i.contextValue === 'layer' && i.label === layer)!;
    const versionRow = layers.getChildren(layerRow).find((i) => i.contextValue === 'layerVersion')!;
    const model = await vscode.commands.executeCommand<ProbePageModel | undefined>(
      'lambdaLayers.checkLayerImports',
      versionRow,
    );
    assert.ok(model, 'the check failed (see the extension log)');
    const [section] = model.sections;
    assert.equal(section.error, undefined);
    assert.deepEqual(
      section.report!.rows.map((r) => [r.package, r.importedVersion, r.status]),
      [['greetpkg', '1.2.3', 'ok']],
    );
    assert.deepEqual(api.services.probeResults.model, model);
    const [probe] = model.probeFunctions;
    assert.ok(api.services.explorer.model!.getFunction(probe), 'the probe function shows up in the explorer');

    await vscode.commands.executeCommand('lambdaLayers.deleteProbeFunction', probe, { confirmed: true });
    assert.equal(api.services.explorer.model!.getFunction(probe), undefined);
    assert.deepEqual(api.services.probeResults.model?.probeFunctions, []);
  });

  test('Invoke Locally runs a workspace handler with a layer zip and shows it on the same page', async () => {
    const code = path.join(workspace, 'local_app');
    await fs.mkdir(code, { recursive: true });
    const file = path.join(code, 'app.py');
    await fs.writeFile(
      file,
      'import greetpkg\n\n\ndef lambda_handler(event, context):\n    return {"greetpkg": greetpkg.__version__, "event": event}\n',
    );
    const zip = path.join(code, 'greet-layer.zip');
    await fs.writeFile(zip, pythonPackageLayer('greetpkg', '1.2.3'));

    const view = await vscode.commands.executeCommand<InvokeView | undefined>(
      'lambdaLayers.invokeLocally',
      vscode.Uri.file(file),
      {
        runtime: 'python3.12',
        layerZips: [zip],
        payload: { local: true },
      },
    );
    assert.ok(view, 'the local invoke failed (see the extension log)');
    assert.deepEqual(JSON.parse(view.payloadText), { greetpkg: '1.2.3', event: { local: true } });
    const model = page()!;
    assert.equal(model.functionName, 'app');
    assert.match(model.target, /python3\.12 · app\.lambda_handler/);
    for (const warning of model.results[0].warnings) assert.match(warning, /python3\.12/);
  });
});
