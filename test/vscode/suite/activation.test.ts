import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'lambda-layers.lambda-layers';

suite('activation', () => {
  test('the extension is installed and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('the runner points the extension at its local endpoint', function () {
    const endpoint = process.env.LAMBDA_LAYERS_TEST_ENDPOINT;
    if (!endpoint) this.skip(); // the runner started no sandbox
    const config = vscode.workspace.getConfiguration('lambdaLayers');
    assert.equal(config.get('connection'), 'local');
    assert.equal(config.get('endpoint'), endpoint);
  });
});
