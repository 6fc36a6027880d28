// Connection states a newcomer meets before anything works: no AWS credentials at all, and an SSO profile whose
// session has expired. Both must leave the views empty so their welcome content (pick a profile, open the AWS
// config file, use the local endpoint / sign in again) shows, with no error dialog. The runner gives the extension
// host empty AWS config and credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE); its AWS_* keys
// (the test endpoint's, for the local connection) are hidden from the extension host during this suite.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LambdaLayersApi } from '../../../src/extension';

const EXTENSION_ID = 'lambda-layers.lambda-layers';
const KEYS = ['connection', 'profile', 'endpoint'] as const;

suite('connection states', function () {
  this.timeout(60_000);
  let api: LambdaLayersApi;
  const config = () => vscode.workspace.getConfiguration('lambdaLayers');
  const saved = new Map<string, unknown>();
  const configFile = process.env.AWS_CONFIG_FILE;
  const envKeys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
  const savedEnv = new Map(envKeys.map((k) => [k, process.env[k]]));

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<LambdaLayersApi>(EXTENSION_ID)!.activate();
    for (const key of KEYS) saved.set(key, config().inspect(key)?.globalValue);
    for (const key of envKeys) delete process.env[key];
    assert.ok(
      configFile && (!fs.existsSync(configFile) || fs.readFileSync(configFile, 'utf8').trim() === ''),
      'the runner provides an empty AWS config location',
    );
  });

  suiteTeardown(async () => {
    if (configFile) fs.rmSync(configFile, { force: true });
    for (const [key, value] of savedEnv) if (value !== undefined) process.env[key] = value;
    for (const key of KEYS) await config().update(key, saved.get(key), vscode.ConfigurationTarget.Global);
    await until(() => api.services.connection.state === 'ready', 'back on the local endpoint');
  });

  async function until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting: ${what} (state ${api.services.connection.state})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const rootItems = async () => {
    const { layers, functions } = api.services.views;
    return [...((await layers.getChildren()) ?? []), ...((await functions.getChildren()) ?? [])];
  };

  test('AWS without any credentials: the sign-in welcome instead of an error', async () => {
    await config().update('endpoint', '', vscode.ConfigurationTarget.Global);
    await config().update('connection', 'aws', vscode.ConfigurationTarget.Global);
    await until(() => api.services.connection.state === 'noCredentials', 'noCredentials');
    assert.equal(api.services.connection.current, undefined);
    assert.deepEqual(await rootItems(), [], 'empty views show their welcome content');
    await assert.rejects(
      Promise.resolve().then(() => api.services.connection.require()),
      /No AWS credentials were found/,
      'commands say what to do instead of failing deep inside the SDK',
    );
  });

  test('an SSO profile whose session expired: state expired, with aws sso login as the fix', async () => {
    fs.mkdirSync(path.dirname(configFile!), { recursive: true });
    fs.writeFileSync(
      configFile!,
      [
        '[profile team-sso]',
        'sso_session = team',
        'sso_account_id = 123456789012',
        'sso_role_name = Developer',
        'region = us-east-1',
        '',
        '[sso-session team]',
        'sso_start_url = https://example.awsapps.com/start',
        'sso_region = us-east-1',
        '',
      ].join('\n'),
    );
    await config().update('profile', 'team-sso', vscode.ConfigurationTarget.Global);
    // An SSO profile counts as credentials until a call needs them: the explorer's first load finds no token.
    await until(() => api.services.connection.current?.profile === 'team-sso', 'connected with the SSO profile');
    await rootItems();
    await until(() => api.services.connection.state === 'expired', 'expired');
    assert.match(api.services.connection.problem ?? '', /aws sso login/);
    assert.deepEqual(await rootItems(), [], 'empty views show the sign-in-again welcome');
  });
});
