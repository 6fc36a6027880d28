import { spawn } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cli <args>` through the real entry point in a child process, with no AWS profile or region around. */
export function cli(args: string[]): Promise<CliRun> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  const child = spawn(process.execPath, ['--no-warnings', '--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: process.cwd(), env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (c) => resolve({ code: c ?? -1, stdout, stderr })));
}

/** Lines of `stdout`, sorted (regions and functions finish in any order). */
export function lines(stdout: string): string[] {
  return stdout.split('\n').filter(Boolean).sort();
}

export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
