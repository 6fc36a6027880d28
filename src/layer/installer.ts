import { platformTags, uvPythonPlatform, type PythonTarget } from './runtimes';
import { boolValue, listValue, type PipConfig } from './pipConfig';

export type InstallerChoice = 'auto' | 'pip' | 'uv';
export type Installer = 'pip' | 'uv';

export interface InstallArgsInput {
  target: PythonTarget;
  /** The staging folder that becomes `python/` in the zip. */
  targetDir: string;
  requirementsPath: string;
  allowSourceBuilds: boolean;
  timeoutSeconds: number;
  retries: number;
}

/**
 * Arguments after `python -m pip`. Index, find-links and hash settings are deliberately absent: pip reads
 * them from the user's pip.conf, PIP_* variables and the requirements file. With `report`, pip only resolves
 * (`--dry-run`) and writes its installation report there; the build then streams the wheels into the zip.
 */
export function pipInstallArgs(input: InstallArgsInput & { report?: string }): string[] {
  const args = ['install', '--target', input.targetDir];
  if (input.report) args.push('--dry-run', '--ignore-installed', '--report', input.report);
  if (input.allowSourceBuilds) {
    // pip refuses --platform / --python-version unless --only-binary=:all:, so a build that may compile
    // sources resolves for the host; the compatibility scan then catches what will not load on Lambda.
    args.push('--prefer-binary');
  } else {
    args.push(...pipTargetArgs(input.target));
  }
  args.push('--no-compile', ...pipQuietArgs(input), '-r', input.requirementsPath);
  return args;
}

/** `pip download` of wheels the resolve named by URL, for the same target, into `dir`. */
export function pipDownloadArgs(input: {
  target: PythonTarget;
  dir: string;
  timeoutSeconds: number;
  retries: number;
  urls: string[];
}): string[] {
  return [
    'download',
    '--no-deps',
    '--dest',
    input.dir,
    ...pipTargetArgs(input.target),
    ...pipQuietArgs(input),
    ...input.urls,
  ];
}

function pipTargetArgs(target: PythonTarget): string[] {
  const args = ['--only-binary=:all:', '--implementation', 'cp', '--python-version', target.pythonVersion];
  for (const tag of platformTags(target)) args.push('--platform', tag);
  return args;
}

function pipQuietArgs(input: { timeoutSeconds: number; retries: number }): string[] {
  return [
    '--timeout',
    String(input.timeoutSeconds),
    '--retries',
    String(input.retries),
    '--disable-pip-version-check',
    '--no-input',
    '--progress-bar',
    'off',
  ];
}

/** pip settings uv understands under another name; the rest of a pip configuration is pip-only. */
const TRANSLATED = new Set(['index-url', 'extra-index-url', 'find-links', 'no-index', 'trusted-host']);
/** pip settings that do not change what gets installed. */
const IRRELEVANT = new Set([
  'config-file',
  'disable-pip-version-check',
  'default-timeout',
  'timeout',
  'retries',
  'no-input',
  'progress-bar',
  'quiet',
  'verbose',
  'no-color',
  'cache-dir',
  'no-cache-dir',
  'root-user-action',
  'break-system-packages',
  'require-virtualenv',
  'log',
  'no-warn-script-location',
  'no-compile',
  'yes',
]);

/** pip settings in effect that uv would silently ignore (e.g. cert, proxy, only-binary). */
export function untranslatablePipSettings(config: PipConfig): string[] {
  return Object.keys(config.values)
    .filter((k) => !TRANSLATED.has(k) && !IRRELEVANT.has(k))
    .sort();
}

/** Arguments after `uv`: the same target as pip, with the user's pip index settings spelled the uv way. */
export function uvInstallArgs(input: InstallArgsInput & { pythonPath: string; pipConfig: PipConfig }): string[] {
  const args = [
    'pip',
    'install',
    '--target',
    input.targetDir,
    '--python',
    input.pythonPath,
    '--python-version',
    input.target.pythonVersion,
    '--python-platform',
    uvPythonPlatform(input.target),
  ];
  if (!input.allowSourceBuilds) args.push('--only-binary', ':all:');
  // uv hard-links from its cache by default; copies keep the staging folder independent of that cache.
  args.push('--link-mode', 'copy', '--no-progress');
  const v = input.pipConfig.values;
  if (v['index-url']) args.push('--index-url', v['index-url']);
  for (const url of listValue(v['extra-index-url'])) args.push('--extra-index-url', url);
  for (const link of listValue(v['find-links'])) args.push('--find-links', link);
  if (boolValue(v['no-index'])) args.push('--no-index');
  for (const host of listValue(v['trusted-host'])) args.push('--allow-insecure-host', host);
  args.push('-r', input.requirementsPath);
  return args;
}

/** uv's own environment for the bounded network behaviour pip gets from --timeout / --retries. */
export function uvEnv(base: NodeJS.ProcessEnv, timeoutSeconds: number, retries: number): NodeJS.ProcessEnv {
  return {
    ...base,
    UV_HTTP_TIMEOUT: base.UV_HTTP_TIMEOUT ?? String(timeoutSeconds),
    UV_HTTP_RETRIES: base.UV_HTTP_RETRIES ?? String(retries),
  };
}

/**
 * "auto" takes uv when it is on PATH and the user's pip configuration can be expressed for uv;
 * otherwise pip, so a private index or certificate configured for pip is never bypassed.
 */
export function chooseInstaller(
  requested: InstallerChoice,
  uvPath: string | undefined,
  pipConfig: PipConfig,
): { installer: Installer; reason?: string } {
  if (requested === 'pip') return { installer: 'pip' };
  if (requested === 'uv') return { installer: 'uv' };
  if (!uvPath) return { installer: 'pip', reason: 'uv not found on PATH' };
  const pipOnly = untranslatablePipSettings(pipConfig);
  if (pipOnly.length > 0) return { installer: 'pip', reason: `pip settings uv does not read: ${pipOnly.join(', ')}` };
  return { installer: 'uv' };
}
