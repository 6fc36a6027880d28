import * as l10n from '@vscode/l10n';
import { UserError } from '../../util/errors';
import type { NodeTarget } from '../runtimes';
import { npmCpu } from './npmArgs';
import { supportedArchitecturesYaml, withOwnSettings } from './yamlSettings';

/** Arguments after `pnpm`: the production dependencies exactly as pnpm-lock.yaml has them. */
export function pnpmInstallArgs(input: { ignoreScripts: boolean }): string[] {
  return ['install', '--prod', '--frozen-lockfile', ...(input.ignoreScripts ? ['--ignore-scripts'] : [])];
}

/** Top-level settings the build sets itself, replacing the user's: the platform, and no symlinks. */
const OWN_KEYS = ['nodeLinker', 'supportedArchitectures'];

/**
 * The staging copy of pnpm-workspace.yaml: the user's settings (catalogs, overrides …) kept, with
 * `supportedArchitectures` for Lambda (pnpm has no --os/--cpu/--libc flags) and `nodeLinker: hoisted`, a flat
 * node_modules without the symlinks of pnpm's default layout (a layer must not hold links out of it).
 */
export function pnpmWorkspaceYaml(userYaml: string | undefined, target: Pick<NodeTarget, 'architecture'>): string {
  return withOwnSettings(userYaml, OWN_KEYS, ['nodeLinker: hoisted', ...supportedArchitecturesYaml(npmCpu(target))]);
}

/** pnpm 10 reads its settings from pnpm-workspace.yaml, which is where the build puts the platform. */
export function checkPnpmVersion(version: string): void {
  const major = Number(/^(\d+)\./.exec(version.trim())?.[1] ?? 0);
  if (major < 10) {
    throw new UserError(
      l10n.t(
        'pnpm {0} is too old to install packages for another platform: layer builds need pnpm 10 or later. Update it ("npm install -g pnpm@latest"), or create a package-lock.json and build with npm.',
        version.trim() || '?',
      ),
    );
  }
}
