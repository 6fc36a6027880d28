import * as l10n from '@vscode/l10n';
import { UserError } from '../../util/errors';
import type { NodeTarget } from '../runtimes';
import type { NodeInstaller } from './lockfile';

/** npm's name for the target's CPU (`process.arch` values). */
export function npmCpu(target: Pick<NodeTarget, 'architecture'>): 'x64' | 'arm64' {
  return target.architecture === 'arm64' ? 'arm64' : 'x64';
}

export interface Host {
  platform: NodeJS.Platform;
  arch: string;
  /** Linux only: the C library this machine runs on. */
  libc?: 'glibc' | 'musl';
}

/** Whether code compiled on `host` could run on the target (Linux, glibc, the target's CPU). */
export function isCrossBuild(host: Host, target: Pick<NodeTarget, 'architecture'>): boolean {
  return host.platform !== 'linux' || host.arch !== npmCpu(target) || host.libc === 'musl';
}

export interface NpmInstallInput {
  /** `ci` follows the lockfile exactly; `install` resolves from package.json. */
  command: 'ci' | 'install';
  target: Pick<NodeTarget, 'architecture'>;
  ignoreScripts: boolean;
  /**
   * The staging folder, named on the command line so a later build can tell a killed build's npm by it
   * (staging.ts reads /proc/<pid>/cmdline); left out on Windows, where cmd.exe would have to quote it.
   */
  prefix?: string;
}

/**
 * Arguments after `npm`: production dependencies only, and optional platform packages chosen for Lambda
 * (`--os/--cpu/--libc`) whatever machine builds. Registry, auth and proxy settings are deliberately absent:
 * npm reads them from the user's .npmrc files and npm_config_* variables.
 */
export function npmInstallArgs(input: NpmInstallInput): string[] {
  return [
    input.command,
    '--omit=dev',
    '--os=linux',
    `--cpu=${npmCpu(input.target)}`,
    '--libc=glibc',
    '--no-audit',
    '--no-fund',
    ...(input.ignoreScripts ? ['--ignore-scripts'] : []),
    ...(input.prefix ? ['--prefix', input.prefix] : []),
  ];
}

/**
 * How to start npm (or pnpm, yarn): on Windows it is `npm.cmd`, which Node starts only through the command interpreter
 * (the arguments there are fixed flags, never paths, so cmd's quoting cannot break them).
 */
export function npmInvocation(
  platform: NodeJS.Platform,
  args: string[],
  env: NodeJS.ProcessEnv,
  tool: NodeInstaller = 'npm',
): [string, string[]] {
  if (platform === 'win32') return [env.ComSpec ?? env.COMSPEC ?? 'cmd.exe', ['/d', '/s', '/c', tool, ...args]];
  return [tool, args];
}

/** npm 10.3 added `--libc`; without it a glibc/musl pair of platform packages cannot be told apart. */
export const MIN_NPM = [10, 3] as const;

export function checkNpmVersion(version: string): void {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  const ok = m && (Number(m[1]) > MIN_NPM[0] || (Number(m[1]) === MIN_NPM[0] && Number(m[2]) >= MIN_NPM[1]));
  if (!ok) {
    throw new UserError(
      l10n.t(
        'npm {0} cannot install packages for another platform: layer builds need npm {1} or later (for --os, --cpu and --libc). Update it with "npm install -g npm@latest" or install a current Node.js.',
        version.trim() || '?',
        MIN_NPM.join('.'),
      ),
    );
  }
}

/**
 * The last lines of an installer's output for an error message, without the usage text npm appends to a usage
 * error (EUSAGE: `npm ci` with a lockfile out of sync), which would push the reason out of view.
 */
export function outputTail(output: string, count = 15): string {
  const lines = output.trim().split(/\r?\n/);
  const usage = lines.findIndex((l) => /^npm (?:error|ERR!) Usage:\s*$/.test(l));
  const blank = (l: string) => /^npm (?:error|ERR!)\s*$/.test(l);
  let end = usage < 0 ? lines.length : usage;
  if (usage >= 0) {
    // Back over the blank lines and the command's one-line description that come before "Usage:".
    while (end > 0 && blank(lines[end - 1])) end--;
    while (end > 0 && !blank(lines[end - 1])) end--;
    while (end > 0 && blank(lines[end - 1])) end--;
  }
  return lines.slice(0, end).slice(-count).join('\n');
}
