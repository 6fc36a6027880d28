import * as l10n from '@vscode/l10n';
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../../util/errors';
import type { PackageSource } from '../indexes';
import type { NodeTarget } from '../runtimes';
import { isCrossBuild, npmCpu, type Host } from './npmArgs';
import { firstRegistry } from './npmConfig';
import { supportedArchitecturesYaml, withOwnSettings } from './yamlSettings';

/** Yarn Classic is 1.x; Yarn Berry is 2 and later, a different tool with its own settings file (.yarnrc.yml). */
export type YarnFlavor = 'classic' | 'berry';

/** Yarn 4 has `workspaces focus` built in, the only Berry command that installs production dependencies alone. */
const MIN_BERRY = 4;

export function yarnMajor(version: string): number {
  return Number(/^(\d+)\./.exec(version.trim())?.[1] ?? 0);
}

/** Signs that the project is a Yarn Berry project, which Yarn Classic would misread. */
export function projectUsesBerry(input: { packageManager?: unknown; yarnrcYml?: string; lockText: string }): boolean {
  const pm = typeof input.packageManager === 'string' ? /^yarn@(\d+)\./.exec(input.packageManager) : null;
  return (pm !== null && Number(pm[1]) >= 2) || input.yarnrcYml !== undefined || /^__metadata:/m.test(input.lockText);
}

/**
 * Which Yarn installs, or why it cannot. Yarn Classic has no way to install another platform's optional packages
 * (no --os/--cpu flags, no supportedArchitectures), so it builds only on a machine that is the target.
 */
export function yarnFlavor(input: {
  version: string;
  projectUsesBerry: boolean;
  host: Host;
  hostName: string;
  target: Pick<NodeTarget, 'runtime' | 'architecture'>;
}): YarnFlavor {
  const { version, target } = input;
  const major = yarnMajor(version);
  if (major >= MIN_BERRY) return 'berry';
  if (major >= 2)
    throw new UserError(
      l10n.t(
        'Yarn {0} cannot install only the production dependencies (its "workspaces focus" command is a plugin): layer builds need Yarn 4 or later. Update it ("yarn set version stable" in the project) and build again, or create a package-lock.json ("npm install --package-lock-only") and build with npm.',
        version.trim(),
      ),
    );
  if (input.projectUsesBerry)
    throw new UserError(
      l10n.t(
        'This project uses Yarn 2 or later (its yarn.lock, .yarnrc.yml or "packageManager" says so), but the yarn on PATH is {0}. Install Yarn 4 ("corepack enable", or "npm install -g @yarnpkg/cli-dist") and build again.',
        version.trim() || '?',
      ),
    );
  if (isCrossBuild(input.host, target))
    throw new UserError(
      l10n.t(
        'Yarn {0} (Yarn Classic) installs packages only for the machine it runs on, and this machine ({1}) is not Lambda\'s Linux {2}. Build on Linux (glibc) with the target architecture (a container or CI runner), install Yarn 4 ("corepack enable", then "yarn set version stable" in the project), or create a package-lock.json with the same versions ("npm install --package-lock-only") and build with npm.',
        version.trim(),
        input.hostName,
        npmCpu(target),
      ),
    );
  return 'classic';
}

/**
 * Arguments after `yarn`: the production dependencies as yarn.lock has them. Berry's `install` has no production
 * mode (it always installs devDependencies too, and pruning afterwards is not something it offers), so
 * `workspaces focus --production` installs the root workspace's production dependencies from the lockfile
 * without rewriting it. Classic's --frozen-lockfile stops if the lockfile is out of date.
 */
export function yarnInstallArgs(flavor: YarnFlavor): string[] {
  return flavor === 'berry'
    ? ['workspaces', 'focus', '--production']
    : ['install', '--production', '--frozen-lockfile', '--non-interactive'];
}

/** Top-level settings the build sets itself: no Plug'n'Play and no links, Lambda's platform, install scripts. */
const OWN_KEYS = ['nodeLinker', 'nmMode', 'supportedArchitectures', 'enableScripts'];

/**
 * The staging copy of .yarnrc.yml: the user's settings (registry, scopes, auth, cache …) kept, with a flat
 * node_modules of real files (Berry's default is Plug'n'Play, which a layer cannot use), Lambda's platform, and
 * install scripts only when this machine is the target. A relative yarnPath is made absolute so the staging
 * copy runs the project's own Yarn release.
 */
export function yarnrcYaml(
  userYaml: string | undefined,
  target: Pick<NodeTarget, 'architecture'>,
  input: { enableScripts: boolean; projectDir: string },
): string {
  const rooted = (userYaml ?? '').replace(
    /^(yarnPath\s*:\s*)(["']?)([^"'\r\n]+)\2\s*$/m,
    (_all, head: string, _q: string, path: string) =>
      `${head}${JSON.stringify(isAbsolute(path) ? path : resolve(input.projectDir, path))}`,
  );
  return withOwnSettings(userYaml === undefined ? undefined : rooted, OWN_KEYS, [
    'nodeLinker: node-modules',
    'nmMode: classic',
    ...supportedArchitecturesYaml(npmCpu(target)),
    `enableScripts: ${input.enableScripts}`,
  ]);
}

export const YARN_DEFAULT_REGISTRY = 'https://registry.yarnpkg.com';

function registryIn(yml: string | undefined): string | undefined {
  return yml && /^npmRegistryServer\s*:\s*["']?([^"'\s]+)/m.exec(yml)?.[1];
}

/** The registry Yarn Berry installs from (it ignores npm's settings): the variable, the project's, the user's. */
export function yarnRegistry(
  env: NodeJS.ProcessEnv,
  projectYml: string | undefined,
  userYml: string | undefined,
): PackageSource {
  return firstRegistry([
    [env.YARN_NPM_REGISTRY_SERVER, 'YARN_NPM_REGISTRY_SERVER'],
    [registryIn(projectYml), '.yarnrc.yml'],
    [registryIn(userYml), 'user .yarnrc.yml'],
    [YARN_DEFAULT_REGISTRY, 'default'],
  ]);
}
