import * as l10n from '@vscode/l10n';

/** The fields of a package's package.json that say how it installs. */
export interface PackageManifest {
  name?: string;
  version?: string;
  scripts?: Record<string, unknown>;
  optionalDependencies?: Record<string, unknown>;
}

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;
/** Tools that compile native code, or download a binary built for the installing machine. */
const BUILDERS = /\b(node-gyp(?!-build)|prebuild-install|node-pre-gyp|cmake-js)\b/;
/** node-gyp-build loads a binary the package ships in prebuilds/<platform>-<arch>/, compiling only without one. */
const PREBUILD_LOADER = /\bnode-gyp-build\b/;

/**
 * The install-time step of a package that makes native code for the machine that installs it, or undefined.
 * npm runs `node-gyp rebuild` itself for a package with a binding.gyp and no install script of its own. A
 * node-gyp-build package that ships a prebuilt binary for the target needs no build.
 */
export function installTimeBuild(
  manifest: PackageManifest,
  files: { hasBindingGyp: boolean; hasTargetPrebuild: boolean },
): string | undefined {
  const scripts = manifest.scripts ?? {};
  for (const name of INSTALL_SCRIPTS) {
    const script = scripts[name];
    if (typeof script !== 'string') continue;
    if (BUILDERS.test(script)) return `${name}: ${script}`;
    if (PREBUILD_LOADER.test(script) && !files.hasTargetPrebuild) return `${name}: ${script}`;
  }
  if (files.hasBindingGyp && typeof scripts.install !== 'string' && typeof scripts.preinstall !== 'string')
    return 'install: node-gyp rebuild';
  return undefined;
}

/**
 * Files node-gyp-build never loads on the target: prebuilds for other platforms, and musl builds (Lambda is
 * glibc). They stay in the layer (nothing is dropped by default) but the compatibility scan skips them.
 */
export function unloadedPrebuild(path: string, cpu: string): boolean {
  const m = /(?:^|\/)prebuilds\/([^/]+)\/([^/]+)$/.exec(path);
  if (!m) return false;
  return m[1] !== `linux-${cpu}` || /\.musl\./.test(m[2]);
}

/** The error (or, when allowed, the warning) naming packages that compile at install time on another machine. */
export function installTimeBuildMessage(
  builds: readonly { name: string; step: string }[],
  target: { runtime: string; architecture: string },
  host: string,
  allowed: boolean,
): string {
  const list = builds.map((b) => `  ${b.name} (${b.step})`).join('\n');
  return allowed
    ? l10n.t(
        'These packages build native code when installed, which cannot happen on {0} for {1} ({2}); they were installed without it and will fail to load on Lambda:\n{3}',
        host,
        target.runtime,
        target.architecture,
        list,
      )
    : l10n.t(
        'These packages build native code when installed, which cannot produce a Lambda binary on {0} for {1} ({2}):\n{3}\nUse a version or an alternative that ships prebuilt Linux binaries, build on Linux with the target architecture (a container or CI runner), or allow incompatible files to build without their native code.',
        host,
        target.runtime,
        target.architecture,
        list,
      );
}
