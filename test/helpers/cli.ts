import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { TEST_CREDENTIALS } from './sandbox';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const MAIN = resolve(__dirname, '../../src/cli/main.ts');

/**
 * This process's environment with the test sandbox's keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, as a user
 * of the CLI against a local endpoint would export them (and no AWS_PROFILE, whose keys would win).
 */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    ...extra,
  };
  delete env.AWS_PROFILE;
  return env;
}

/** Runs `node dist/cli.js ARGS` from source (src/cli/main.ts) in a child process, stdout and stderr kept apart. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = cliEnv()): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--no-warnings', '--import', 'tsx', MAIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}
