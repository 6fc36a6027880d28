// Building and publishing through the commands, in a real extension host: pip installs from the runner's
// generated wheelhouse (LAMBDA_LAYERS_TEST_WHEELHOUSE, PIP_NO_INDEX), the zip is published to the runner's
// local endpoint, and the explorer model and Layers view show the new version. The commands take their
// inputs as an options object, so no prompt opens.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BuildCommandOptions } from '../../../src/commands/buildLayer';
import type { PublishCommandOptions, PublishCommandResult } from '../../../src/commands/publishLayer';
import type { LambdaLayersApi } from '../../../src/extension';
import type { BuildResult } from '../../../src/layer/build';

const EXTENSION_ID = 'lambda-layers.lambda-layers';

const build = (options: BuildCommandOptions) =>
  vscode.commands.executeCommand<BuildResult | undefined>('lambdaLayers.buildLayer', options);
const rebuild = (options: BuildCommandOptions) =>
  vscode.commands.executeCommand<BuildResult | undefined>('lambdaLayers.rebuildLayer', options);
const publish = (options: PublishCommandOptions) =>
  vscode.commands.executeCommand<PublishCommandResult | undefined>('lambdaLayers.publishLayer', options);

suite('build and publish', function () {
  this.timeout(180_000);
  const suffix = randomBytes(4).toString('hex');
  const name = `build-test-${suffix}`;
  let api: LambdaLayersApi;
  let folder: vscode.Uri;
  let built: BuildResult;

  suiteSetup(async function () {
    // Builds need the runner's offline wheelhouse, publishing its endpoint.
    if (!process.env.LAMBDA_LAYERS_TEST_WHEELHOUSE || !process.env.LAMBDA_LAYERS_TEST_ENDPOINT) this.skip();
    const extension = vscode.extensions.getExtension<LambdaLayersApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    api = await extension.activate();
    await api.services.connection.settled();
    folder = vscode.workspace.workspaceFolders![0].uri;
  });

  test('builds the workspace requirements.txt for the given runtime and architecture', async () => {
    const requirementsUri = vscode.Uri.joinPath(folder, 'requirements.txt');
    const result = await build({ requirementsUri, runtime: 'python3.12', architecture: 'x86_64', name });
    assert.ok(result, 'the build failed (see the extension log)');
    built = result;
    assert.equal(result.reused, false);
    assert.equal(path.dirname(result.zipPath), path.join(folder.fsPath, '.lambda-layers', 'build'));
    assert.ok(existsSync(result.zipPath) && existsSync(result.manifestPath));
    assert.ok(
      existsSync(path.join(path.dirname(result.zipPath), '.gitignore')),
      'the new output folder is not git-ignored',
    );
    const { manifest } = result;
    assert.equal(manifest.layerName, name);
    assert.equal(manifest.runtime, 'python3.12');
    assert.equal(manifest.architecture, 'x86_64');
    assert.deepEqual(
      manifest.packages.filter((p) => p.version).map((p) => `${p.name} ${p.version}`),
      ['flask 3.0.3', 'itsdangerous 2.2.0'],
    );
    assert.deepEqual(manifest.incompatibilities, []);
  });

  test('building again reuses the zip; Rebuild with the remembered choices builds anew', async () => {
    const requirementsUri = vscode.Uri.joinPath(folder, 'requirements.txt');
    const again = await build({ requirementsUri, runtime: 'python3.12', architecture: 'x86_64', name });
    assert.equal(again?.reused, true);
    assert.equal(again.zipPath, built.zipPath);
    // Only the file: runtime, architecture and name come from the previous build of it.
    const rebuilt = await rebuild({ requirementsUri });
    assert.equal(rebuilt?.reused, false);
    assert.equal(rebuilt.zipPath, built.zipPath);
    assert.equal(rebuilt.manifest.sha256, built.manifest.sha256, 'the zip is deterministic');
  });

  test('files that will not load on the target fail the build unless the user allows them', async () => {
    const requirementsUri = vscode.Uri.joinPath(folder, 'incompatible', 'requirements.txt');
    await fs.mkdir(path.dirname(requirementsUri.fsPath), { recursive: true });
    await fs.writeFile(requirementsUri.fsPath, 'wrongmachine==1.0\n');
    const options = {
      requirementsUri,
      runtime: 'python3.12',
      architecture: 'x86_64',
      name: `incompatible-${suffix}`,
    } as const;
    assert.equal(
      await build({ ...options, allowIncompatible: false }),
      undefined,
      'the scan should have stopped the build',
    );
    const kept = await build({ ...options, allowIncompatible: true });
    assert.ok(kept, 'the build with allowIncompatible failed');
    assert.deepEqual([...new Set(kept.manifest.incompatibilities.map((i) => i.package))], ['wrongmachine']);
    assert.ok(kept.manifest.warnings.some((w) => w.includes('wrongmachine')));
  });

  test('the build report opens in a webview', async () => {
    await vscode.commands.executeCommand('lambdaLayers.showBuildReport', vscode.Uri.file(built.manifestPath));
    // The tab model follows the new panel asynchronously.
    const isReport = (input: unknown) =>
      input instanceof vscode.TabInputWebview && input.viewType.endsWith('lambdaLayers.buildReport');
    for (let i = 0; i < 50 && !isReport(vscode.window.tabGroups.activeTabGroup.activeTab?.input); i++)
      await new Promise((r) => setTimeout(r, 100));
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(isReport(tab?.input), `the active tab is ${tab?.label ?? 'none'}, not the report`);
    assert.equal(tab?.label, `Layer report: ${name}`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('publishing the zip creates version 1, shown in the explorer model and the Layers view', async () => {
    const result = await publish({
      zipUri: vscode.Uri.file(built.zipPath),
      name,
      description: 'flask 3.0.3, itsdangerous 2.2.0',
      license: 'MIT',
      runtimes: ['python3.12', 'python3.13'],
      architectures: ['x86_64'],
    });
    assert.ok(result, 'publishing failed (see the extension log)');
    assert.equal(result.kind, 'published');
    assert.equal(result.version, 1);
    assert.match(result.arn, new RegExp(`:layer:${name}:1$`));

    const layer = api.services.explorer.model?.getLayer(name);
    assert.ok(layer, 'the model does not know the new layer');
    const [v1] = layer.versions;
    assert.equal(v1.arn, result.arn);
    assert.deepEqual(v1.runtimes, ['python3.12', 'python3.13']);
    assert.deepEqual(v1.architectures, ['x86_64']);
    assert.equal(v1.license, 'MIT');
    const { layers } = api.services.views;
    assert.ok(
      layers.getChildren().some((i) => i.contextValue === 'layer' && i.label === name),
      'the Layers view does not show the layer',
    );
  });

  test('publishing the same zip again is recognised; Publish Anyway makes version 2', async () => {
    const same = {
      zipUri: built.zipPath,
      name,
      description: 'flask 3.0.3, itsdangerous 2.2.0',
      license: 'MIT',
      runtimes: ['python3.12', 'python3.13'],
      architectures: ['x86_64'],
    };
    const unchanged = await publish({ ...same, ifUnchanged: 'useExisting' });
    assert.equal(unchanged?.kind, 'unchanged');
    assert.equal(unchanged.version, 1);
    const forced = await publish({ ...same, ifUnchanged: 'publishAnyway' });
    assert.equal(forced?.kind, 'published');
    assert.equal(forced.version, 2);
    assert.deepEqual(
      api.services.explorer.model?.getLayer(name)?.versions.map((v) => v.version),
      [2, 1],
    );
  });
});
