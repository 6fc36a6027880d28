import { spawn } from 'node:child_process';

/** Runs `invoke` in a child process, as `node dist/cli.js invoke …` would (stdout and stderr kept apart). */
export function invokeCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const code = `require('./src/cli/invoke').run(process.argv.slice(1)).then((c) => process.exit(c))`;
  const child = spawn(process.execPath, ['--no-warnings', '--import', 'tsx', '-e', code, '--', ...args], { cwd: process.cwd() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (c) => resolve({ code: c ?? -1, stdout, stderr })));
}
