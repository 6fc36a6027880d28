// Create Function, the tutorial's function, Deploy Code and Deploy and Invoke in a real extension host against the
// runner's local endpoint, driven non-interactively through the commands' options objects (as the UI flow does).
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import * as vscode from 'vscode';
import type { LambdaLayersApi } from '../../../src/extension';
import type { CreatedFunctionSummary } from '../../../src/commands/functions/createFunction';
import type { DeploySummary } from '../../../src/commands/functions/deployCode';
import type { InvokeView } from '../../../src/invoke/result';
import { lambdaClient, pythonPackageLayer } from '../../helpers/sandbox';

const EXTENSION_ID = 'lambda-layers.lambda-layers';

function handler(value: string): string {
  return `def lambda_handler(event, context):\n    return {"value": ${JSON.stringify(value)}}\n`;
}

suite('functions', function () {
  this.timeout(120_000);
  const endpoint = process.env.LAMBDA_LAYERS_TEST_ENDPOINT;
  const suffix = randomBytes(4).toString('hex');
  const fn = `created-${suffix}`;
  let api: LambdaLayersApi;
  let client: LambdaClient;
  let workspace: string;
  let folder: string;

  const functionRow = (name: string) =>
    api.services.views.functions.getChildren().find((i) => i.contextValue === 'function' && i.label === name);

  suiteSetup(async function () {
    if (!endpoint) this.skip(); // the runner started no endpoint
    api = await vscode.extensions.getExtension<LambdaLayersApi>(EXTENSION_ID)!.activate();
    workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
    client = lambdaClient(endpoint);
    folder = path.join(workspace, `fn-${suffix}`);
    await fs.mkdir(path.join(folder, '__pycache__'), { recursive: true });
    await fs.writeFile(path.join(folder, 'lambda_function.py'), handler('one'));
    await fs.writeFile(path.join(folder, '__pycache__', 'lambda_function.cpython-312.pyc'), 'stale');
    await vscode.commands.executeCommand('lambdaLayers.refresh');
  });

  suiteTeardown(async () => {
    client?.destroy();
    // Leave no editor or result page behind for the next suite (it checks that its result page is shown).
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Create Function from a handler file: defaults, the zip without caches, Active, shown in the Functions view', async () => {
    const created = await vscode.commands.executeCommand<CreatedFunctionSummary | undefined>(
      'lambdaLayers.createFunction',
      vscode.Uri.file(path.join(folder, 'lambda_function.py')),
      { name: fn, useDefaults: true, confirmed: true, layers: [] },
    );
    assert.ok(created, 'Create Function failed (see the extension log)');
    assert.deepEqual(created.files, ['lambda_function.py']);
    const config = await api.services.connection.require().lambda.getFunctionConfiguration(fn);
    assert.equal(config.State, 'Active');
    assert.equal(config.Handler, 'lambda_function.lambda_handler');
    assert.equal(config.MemorySize, 128);
    assert.equal(config.Timeout, 3);
    assert.equal(config.CodeSha256, created.codeSha256);
    assert.ok(functionRow(fn), 'the new function is in the Functions view');
  });

  test('Deploy Code remembers the folder: unchanged code is not uploaded, then Deploy and Invoke runs the edit', async () => {
    const lastModified = (await api.services.connection.require().lambda.getFunctionConfiguration(fn)).LastModified;
    const same = await vscode.commands.executeCommand<DeploySummary | undefined>(
      'lambdaLayers.deployCode',
      functionRow(fn),
    );
    assert.equal(same?.kind, 'unchanged');
    assert.equal(
      (await api.services.connection.require().lambda.getFunctionConfiguration(fn)).LastModified,
      lastModified,
      'nothing was uploaded',
    );

    await fs.writeFile(path.join(folder, 'lambda_function.py'), handler('two'));
    const result = await vscode.commands.executeCommand<{ deploy: DeploySummary; invoke: InvokeView } | undefined>(
      'lambdaLayers.deployAndInvoke',
      vscode.Uri.file(path.join(folder, 'lambda_function.py')),
      { event: { payload: {} } },
    );
    assert.ok(result, 'Deploy and Invoke failed (see the extension log)');
    assert.equal(result.deploy.functionName, fn);
    assert.equal(result.deploy.kind, 'deployed');
    assert.deepEqual(JSON.parse(result.invoke.payloadText), { value: 'two' });
    assert.equal(api.services.invokeResults.model?.functionName, fn);
  });

  test("the tutorial's function: handler written and opened, created, then it imports Flask from an attached layer", async () => {
    const existing = await client.send(
      new PublishLayerVersionCommand({
        LayerName: `flask-${suffix}`,
        Content: { ZipFile: pythonPackageLayer('flask', '3.0.3') },
      }),
    );
    const created = await vscode.commands.executeCommand<CreatedFunctionSummary | undefined>(
      'lambdaLayers.createTutorialFunction',
      {
        layers: [existing.LayerVersionArn!],
      },
    );
    assert.ok(created, "Create the Tutorial's Function failed (see the extension log)");
    assert.equal(created.functionName, 'testFlaskLayer');
    const file = path.join(workspace, 'testFlaskLayer', 'lambda_function.py');
    assert.match(await fs.readFile(file, 'utf8'), /return \{"flask_version": flask\.__version__\}/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file, 'the handler is open for the user to read');
    const view = await vscode.commands.executeCommand<InvokeView | undefined>(
      'lambdaLayers.invokeFunction',
      'testFlaskLayer',
      { payload: {} },
    );
    assert.deepEqual(JSON.parse(view!.payloadText), { flask_version: '3.0.3' });

    // Run again: the user's edit of the file is kept, and the existing function is not replaced.
    await fs.writeFile(file, '# my edit\n' + (await fs.readFile(file, 'utf8')));
    assert.equal(
      await vscode.commands.executeCommand('lambdaLayers.createTutorialFunction', { layers: [] }),
      undefined,
    );
    assert.match(await fs.readFile(file, 'utf8'), /^# my edit\n/);
  });

  test('Create Function from a Node.js folder: the exported handler, a Node.js runtime, node_modules in; Invoke Locally runs it', async () => {
    const node = path.join(workspace, `node-fn-${suffix}`);
    const files: Record<string, string> = {
      'index.mjs':
        "import greet from 'greet';\nexport const handler = async (event) => ({ value: greet(event.name) });\n",
      'package.json': '{"type":"module","dependencies":{"greet":"1.0.0"}}',
      'node_modules/greet/package.json': '{"name":"greet","version":"1.0.0","main":"index.js"}',
      'node_modules/greet/index.js': "module.exports = (n) => 'hi ' + n;\n",
      '.lambda-layers/build/deps.zip': 'not code',
    };
    for (const [rel, text] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(node, rel)), { recursive: true });
      await fs.writeFile(path.join(node, rel), text);
    }
    const name = `node-${suffix}`;
    const created = await vscode.commands.executeCommand<CreatedFunctionSummary | undefined>(
      'lambdaLayers.createFunction',
      vscode.Uri.file(node),
      { name, useDefaults: true, confirmed: true, layers: [] },
    );
    assert.ok(created, 'Create Function failed (see the extension log)');
    assert.deepEqual(created.files, [
      'index.mjs',
      'node_modules/greet/index.js',
      'node_modules/greet/package.json',
      'package.json',
    ]);
    const config = await api.services.connection.require().lambda.getFunctionConfiguration(name);
    assert.equal(config.Handler, 'index.handler');
    assert.match(config.Runtime ?? '', /^nodejs\d+\.x$/);

    const view = await vscode.commands.executeCommand<InvokeView | undefined>(
      'lambdaLayers.invokeLocally',
      vscode.Uri.file(path.join(node, 'index.mjs')),
      { runtime: config.Runtime, layerZips: [], payload: { name: 'local' } },
    );
    assert.ok(view, 'the local invoke failed (see the extension log)');
    assert.deepEqual(JSON.parse(view.payloadText), { value: 'hi local' });
  });
});
