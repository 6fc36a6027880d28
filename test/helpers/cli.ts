import { spawn } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cli <args>` through the real entry point (src/cli/main.ts) in a child process, stdout and stderr kept apart. */
export function runCli(args: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, ['--no-warnings', '--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: process.cwd() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (c) => resolve({ code: c ?? -1, stdout, stderr })));
}
