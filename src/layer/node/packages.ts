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

/** Sizes per installed package, top-level ones (what `require` finds through NODE_PATH) with their name as module. */
export function summarizeNodePackages(
  files: readonly StagedFile[],
  installed: readonly InstalledPackage[],
): PackageEntry[] {
  const byDir = new Map<string, PackageEntry>();
  for (const p of installed) {
    const topLevel = p.dir === `node_modules/${p.name}` ? [p.name] : [];
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
export function nodeOwners(files: readonly StagedFile[], installed: readonly InstalledPackage[]): Map<string, string> {
  const names = new Map(installed.map((p) => [p.dir, p.name]));
  const owners = new Map<string, string>();
  for (const f of files) {
    const name = names.get(packageDirOf(f.path) ?? '');
    if (name) owners.set(f.path, name);
  }
  return owners;
}
