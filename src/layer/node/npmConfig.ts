import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { redactUrl, type PackageSource } from '../indexes';

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

/**
 * npm_config_* variables that change what gets installed. Cache folders, log levels, progress and notifier
 * settings do not, and tests (or CI) give each run its own cache folder.
 */
const NOT_CONTENT = new Set([
  'cache',
  'loglevel',
  'progress',
  'update_notifier',
  'update-notifier',
  'fund',
  'audit',
  'color',
]);

export function npmConfigEnv(env: NodeJS.ProcessEnv): [string, string][] {
  return configEnv(env, 'npm_config_', NOT_CONTENT);
}

/** The same for Yarn's YARN_* variables (Berry's settings, Classic's few). */
const YARN_NOT_CONTENT = new Set([
  'cache_folder',
  'global_folder',
  'enable_telemetry',
  'enable_progress_bars',
  'enable_colors',
  'enable_hyperlinks',
  'ignore_path',
]);

export function yarnConfigEnv(env: NodeJS.ProcessEnv): [string, string][] {
  return configEnv(env, 'yarn_', YARN_NOT_CONTENT);
}

function configEnv(env: NodeJS.ProcessEnv, prefix: string, notContent: Set<string>): [string, string][] {
  return Object.entries(env)
    .filter(
      ([k, v]) =>
        k.toLowerCase().startsWith(prefix) && v !== undefined && !notContent.has(k.slice(prefix.length).toLowerCase()),
    )
    .map(([k, v]): [string, string] => [k.toLowerCase(), v!])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The user's npmrc, where npm reads it: npm_config_userconfig, else ~/.npmrc. */
export function userNpmrcPath(env: NodeJS.ProcessEnv): string {
  const configured = Object.entries(env).find(([k]) => k.toLowerCase() === 'npm_config_userconfig')?.[1];
  return configured || homeFile(env, '.npmrc');
}

/** A settings file in the user's home folder, as the tools find it (HOME, else USERPROFILE). */
export function homeFile(env: NodeJS.ProcessEnv, name: string): string {
  return join(env.HOME || env.USERPROFILE || homedir(), name);
}

export async function readOptional(path: string): Promise<string | undefined> {
  return fs.readFile(path, 'utf8').catch(() => undefined);
}

function registryIn(npmrc: string | undefined): string | undefined {
  return npmrc && /^\s*registry\s*=\s*(\S+)\s*$/m.exec(npmrc)?.[1];
}

/**
 * The registry npm installs from, as npm ranks its settings: a npm_config_registry variable, the project's
 * .npmrc, the user's npmrc, else the public registry. (Scoped registries are npm's business; this is for the
 * manifest and the log.)
 */
export function npmRegistry(
  env: NodeJS.ProcessEnv,
  projectNpmrc: string | undefined,
  userNpmrc: string | undefined,
): PackageSource {
  const fromEnv = Object.entries(env).find(([k]) => k.toLowerCase() === 'npm_config_registry')?.[1];
  return firstRegistry([
    [fromEnv, 'npm_config_registry'],
    [registryIn(projectNpmrc), '.npmrc'],
    [registryIn(userNpmrc), 'user npmrc'],
    [DEFAULT_REGISTRY, 'default'],
  ]);
}

/** The first registry setting that is set, in the installer's order of precedence, and where it came from. */
export function firstRegistry(ranked: readonly [string | undefined, string][]): PackageSource {
  const [url, from] = ranked.find(([value]) => value) ?? ranked[ranked.length - 1];
  return { kind: 'index', url: redactUrl(url ?? ''), from };
}
