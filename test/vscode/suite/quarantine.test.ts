// A damaged record in the in-process endpoint's data folder: the endpoint still starts and the user gets one
// warning naming it and the quarantine folder, with a way to open that folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LambdaLayersApi } from '../../../src/extension';

const EXTENSION_ID = 'lambda-layers.lambda-layers';

suite('damaged local endpoint data', function () {
  this.timeout(60_000);
  let api: LambdaLayersApi;
  let dataDir: string;
  const config = () => vscode.workspace.getConfiguration('lambdaLayers');
  const savedEndpoint = () => config().inspect('endpoint')?.globalValue;
  let endpoint: unknown;
  const showWarning = vscode.window.showWarningMessage;
  const warnings: { message: string; items: unknown[] }[] = [];

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<LambdaLayersApi>(EXTENSION_ID)!.activate();
    dataDir = path.join(api.services.context.globalStorageUri.fsPath, 'sandbox');
    endpoint = savedEndpoint();
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = (message: string, ...items: unknown[]) => {
      warnings.push({ message, items });
      return Promise.resolve(undefined);
    };
  });

  suiteTeardown(async () => {
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = showWarning;
    await config().update('endpoint', endpoint, vscode.ConfigurationTarget.Global);
    await until(
      () =>
        api.services.connection.state === 'ready' && api.services.connection.current?.settings.endpoint === endpoint,
      'back on the test endpoint',
    );
    fs.rmSync(path.join(dataDir, 'quarantine'), { recursive: true, force: true });
  });

  async function until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting: ${what} (state ${api.services.connection.state})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  test('the endpoint starts over a half-written record and one warning names it and the quarantine folder', async () => {
    const record = path.join(dataDir, 'regions', 'us-east-1', 'functions', 'broken.json');
    fs.mkdirSync(path.dirname(record), { recursive: true });
    fs.writeFileSync(record, '{"name":"broken","run');
    // No endpoint setting: the extension runs its own endpoint over its data folder.
    await config().update('endpoint', '', vscode.ConfigurationTarget.Global);
    await until(
      () =>
        api.services.connection.state === 'ready' && api.services.connection.current?.settings.endpoint !== endpoint,
      'the in-process endpoint',
    );

    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    const [{ message, items }] = warnings;
    const rel = path.join('regions', 'us-east-1', 'functions', 'broken.json');
    assert.ok(message.includes(`could not read 1 stored record (${rel}: it is not valid JSON`), message);
    const folder = /set it aside in (.+?)\. It runs without it/.exec(message)?.[1];
    assert.ok(folder?.startsWith(path.join(dataDir, 'quarantine')), message);
    assert.ok(fs.existsSync(path.join(folder!, rel)), 'the record is in the folder the warning names');
    assert.ok(!fs.existsSync(record), 'and no longer where the endpoint reads records');
    assert.deepEqual(items, [vscode.l10n.t('Open Folder')]);
  });
});
