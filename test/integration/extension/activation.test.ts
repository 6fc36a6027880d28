// Activation of the bundled extension (dist/extension.js, as the VSIX ships it) prints nothing on stderr: VS
// Code's extension host shows every stderr line and process warning as an error. The AWS SDK warns on
// construction of its first client when Node is older than the SDK wants (from @aws-sdk/core 3.974.8 on: "will
// require node >=22"), and VS Code 1.100's extension host runs Node 20: package.json pins the SDK below that.
// The activation is bench/activateHost.ts (a fake `vscode`, the local endpoint in-process, the Lambda client
// created, then a first refresh), in a fresh Node process of the version running the tests. The local endpoint
// and the refresh command load dist/extension-lazy.js, which takes the modules it shares from dist/extension.js.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const BUNDLE = join(ROOT, 'dist', 'extension.js');

test(`activating dist/extension.js on Node ${process.versions.node} writes nothing to stderr and emits no process warning`, (t) => {
  assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run \`npm run compile\` first`);
  const storage = mkdtempSync(join(tmpdir(), 'll-activation-'));
  t.after(() => rmSync(storage, { recursive: true, force: true }));

  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'activateHost.ts'), BUNDLE, storage],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      // Nothing from the environment may hide or add a warning.
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        NODE_NO_WARNINGS: '',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '',
      },
    },
  );
  assert.equal(run.status, 0, `activation failed:\n${run.stderr}`);
  assert.equal(run.stderr, '', 'stderr of the activation');
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
    state: string;
    explorer: string;
    missing: string[];
    log: string[];
  };
  assert.equal(result.state, 'ready', 'the local connection (and so the Lambda client) was set up');
  assert.equal(
    result.explorer,
    'ready',
    'the first refresh (a command from dist/extension-lazy.js) loaded the explorer',
  );
  assert.deepEqual(result.missing, []);
  assert.deepEqual(result.log, [], 'warn or error lines in the extension log');
});
