import * as l10n from '@vscode/l10n';
import type { PackageEntry } from '../manifest';
import type { StagedFile } from '../scan';
import type { PackageManifest } from './installScripts';

/**
 * The package folder a path belongs to: the innermost `node_modules/<name>` or `node_modules/@scope/<name>`
 * before it ("node_modules/a/node_modules/b/x.js" → "node_modules/a/node_modules/b"). `.bin` and the like
 * are no package.
 */
export function packageDirOf(path: string): string | undefined {
  return /^((?:.*\/)?node_modules\/(?:@[^/]+\/[^/]+|[^/@.][^/]*))\//.exec(path)?.[1];
}

export interface InstalledPackage {
  dir: string;
  name: string;
  version: string;
  manifest: PackageManifest;
}

/** The name a package folder gives: "node_modules/a/node_modules/@s/b" → "@s/b". */
export function packageNameAt(location: string): string {
  return location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** A package folder with its package.json as installed (the folder names it when the manifest does not). */
export function installedPackage(dir: string, manifest: PackageManifest): InstalledPackage {
  return {
    dir,
    name: typeof manifest.name === 'string' ? manifest.name : packageNameAt(dir),
    version: typeof manifest.version === 'string' ? manifest.version : '',
    manifest,
  };
}

/**
 * Sizes per installed package; the project's own dependencies (`direct`, installed where `require` finds them
 * through NODE_PATH) have their name as module: what the code loads, and what the import probe loads.
 */
export function summarizeNodePackages(
  files: readonly Pick<StagedFile, 'path' | 'size'>[],
  installed: readonly InstalledPackage[],
  direct: ReadonlySet<string>,
): PackageEntry[] {
  const byDir = new Map<string, PackageEntry>();
  for (const p of installed) {
    const topLevel = p.dir === `node_modules/${p.name}` && direct.has(p.name) ? [p.name] : [];
    byDir.set(p.dir, { name: p.name, version: p.version, size: 0, files: 0, topLevel });
  }
  let other: PackageEntry | undefined;
  for (const f of files) {
    const dir = packageDirOf(f.path);
    let entry = dir ? byDir.get(dir) : undefined;
    if (!entry) entry = other ??= { name: l10n.t('(other files)'), version: '', size: 0, files: 0, topLevel: [] };
    entry.size += f.size;
    entry.files++;
  }
  const list = [...byDir.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry);
  return other ? [...list, other] : list;
}

/** Path → the package that put it there, for the compatibility report. */
export function nodeOwners(
  files: readonly Pick<StagedFile, 'path'>[],
  installed: readonly InstalledPackage[],
): Map<string, string> {
  const names = new Map(installed.map((p) => [p.dir, p.name]));
  const owners = new Map<string, string>();
  for (const f of files) {
    const name = names.get(packageDirOf(f.path) ?? '');
    if (name) owners.set(f.path, name);
  }
  return owners;
}

const CPU_NAMES: Record<string, RegExp> = { x64: /x64|x86[-_]64|amd64/i, arm64: /arm64|aarch64/i };

/**
 * Optional platform packages for the target that a package lists but npm did not install: what `npm ci` does
 * with a lockfile written on another platform, which records only that platform's twins (npm/cli#4828).
 * Told by name (`…-linux-arm64-gnu`), so this is a warning, not a verdict.
 */
export function missingPlatformPackages(installed: readonly InstalledPackage[], cpu: string): string[] {
  const names = new Set(installed.map((p) => p.name));
  const missing = new Set<string>();
  for (const p of installed) {
    for (const dep of Object.keys(p.manifest.optionalDependencies ?? {})) {
      if (names.has(dep) || !/linux/i.test(dep) || /musl/i.test(dep) || !CPU_NAMES[cpu]?.test(dep)) continue;
      missing.add(`${p.name} → ${dep}`);
    }
  }
  return [...missing].sort();
}
