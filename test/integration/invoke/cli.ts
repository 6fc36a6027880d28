import { spawn } from 'node:child_process';
import { TEST_CREDENTIALS } from '../../helpers/sandbox';

/**
 * Runs `invoke` in a child process, as `node dist/cli.js invoke …` would (stdout and stderr kept apart), with
 * the test sandbox's keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, as a user of the CLI would export them.
 */
export function invokeCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const code = `require('./src/cli/invoke').run(process.argv.slice(1)).then((c) => process.exit(c))`;
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey };
  delete env.AWS_PROFILE;
  const child = spawn(process.execPath, ['--no-warnings', '--import', 'tsx', '-e', code, '--', ...args], { cwd: process.cwd(), env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (c) => resolve({ code: c ?? -1, stdout, stderr })));
}
