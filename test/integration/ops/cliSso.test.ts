import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test(
  'cli: an SSO profile that never logged in is told to run "aws sso login --profile P"',
  { timeout: 60_000 },
  async () => {
    const home = await mkdtemp(join(tmpdir(), 'll-cli-sso-'));
    try {
      await writeFile(
        join(home, 'config'),
        '[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n',
      );
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      };
      for (const k of [
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
        'AWS_PROFILE',
        'AWS_ENDPOINT_URL',
        'AWS_ENDPOINT_URL_LAMBDA',
      ])
        delete env[k];
      const child = spawn(
        process.execPath,
        ['--no-warnings', '--import', 'tsx', 'src/cli/main.ts', 'detach', 'fn', 'deps', '--profile', 'dev'],
        { cwd: process.cwd(), env },
      );
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise((resolve) => child.on('close', resolve));
      assert.equal(code, 1);
      assert.match(
        stderr,
        /^error: The AWS SSO session of profile "dev" has expired or was never started\. Run "aws sso login --profile dev" in a terminal, then try again\.$/m,
      );
      assert.doesNotMatch(stderr, /aws configure/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  },
);
