import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import { formatBytes } from '../util/format';
import { ownerOf, type DistInfo } from './distInfo';
import type { Architecture, Runtime } from './runtimes';
import type { PackageSource } from './indexes';
import type { Installer } from './installer';
import type { NodeInstaller } from './node/lockfile';
import type { Incompatibility, StagedTree } from './scan';
import type { SlimSummary } from './slim';

/** The manifest written next to `<name>.zip`: `<name>.manifest.json`. */
export function manifestPathFor(zipPath: string): string {
  return zipPath.replace(/\.zip$/i, '') + '.manifest.json';
}

export const MANIFEST_VERSION = 1;
/** Lambda: function + all layers unzipped. */
export const UNZIPPED_LIMIT = 262_144_000;
/** Lambda: a zip sent in the API request itself; larger ones go through S3. */
export const DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024;
/** Warn from this share of a limit. */
export const WARN_RATIO = 0.8;

export interface PackageEntry {
  name: string;
  version: string;
  /** Installed bytes (Python: files from RECORD plus their bytecode; npm: the package's folder). */
  size: number;
  files: number;
  topLevel: string[];
  /** What a slim build left out of this package (not counted in size and files). */
  slimmed?: { files: number; bytes: number };
}

/** Written next to the zip as `<name>.manifest.json`; the publish step and the report read it. */
export interface LayerManifest {
  manifestVersion: typeof MANIFEST_VERSION;
  toolVersion: string;
  layerName: string;
  runtime: Runtime;
  architecture: Architecture;
  /** Where the packages come from (absent in manifests of older versions: "pypi"). */
  ecosystem?: 'pypi' | 'npm';
  installer: Installer | NodeInstaller;
  /** "unchecked-hash" when bytecode was compiled (host Python = runtime Python), else "none" (always for Node.js). */
  bytecode: 'none' | 'unchecked-hash';
  /** File name of the zip, in the same folder as the manifest. */
  zipFile: string;
  zippedSize: number;
  unzippedSize: number;
  fileCount: number;
  /** Hex SHA-256 of the zip. */
  sha256: string;
  /** Base64 SHA-256 of the zip: compare with a published layer version's CodeSha256. */
  codeSha256: string;
  /** Larger than a direct upload allows: publish through S3. */
  publishViaS3: boolean;
  packages: PackageEntry[];
  /** Where the installer looked for packages (absent in manifests of older versions). */
  packageSources?: PackageSource[];
  /** Files that will not load on the target, kept because the user overrode the check. */
  incompatibilities: Incompatibility[];
  warnings: string[];
  /** Slim builds: what was left out, kept back and proven. */
  slim?: SlimSummary;
  /** Inputs hash: the same key means the zip can be reused as is. */
  cacheKey: string;
  builtAt: string;
}

/** Per-distribution sizes from the staged tree; files no RECORD claims are grouped under "(other files)". */
export function summarizePackages(tree: StagedTree, dists: DistInfo[], owners: Map<string, string>): PackageEntry[] {
  const byName = new Map<string, PackageEntry>();
  for (const d of dists)
    byName.set(d.name, { name: d.name, version: d.version, size: 0, files: 0, topLevel: d.topLevel });
  let other: PackageEntry | undefined;
  for (const f of tree.files) {
    const owner = ownerOf(f.path, owners);
    let entry = owner ? byName.get(owner) : undefined;
    if (!entry) entry = other ??= { name: l10n.t('(other files)'), version: '', size: 0, files: 0, topLevel: [] };
    entry.size += f.size;
    entry.files++;
  }
  const list = [...byName.values()].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  return other ? [...list, other] : list;
}

/** Warnings from 80 % of a limit; the unzipped limit itself is an error (see unzippedLimitMessage). */
export function limitWarnings(unzipped: number, zipped: number): { warnings: string[]; publishViaS3: boolean } {
  const warnings: string[] = [];
  if (unzipped >= UNZIPPED_LIMIT * WARN_RATIO) {
    warnings.push(
      l10n.t(
        'The layer unzips to {0}, {1}% of the {2} Lambda allows for a function and all its layers together.',
        formatBytes(unzipped),
        Math.round((unzipped / UNZIPPED_LIMIT) * 100),
        formatBytes(UNZIPPED_LIMIT),
      ),
    );
  }
  const publishViaS3 = zipped > DIRECT_UPLOAD_LIMIT;
  if (publishViaS3) {
    warnings.push(
      l10n.t(
        'The zip is {0}, over the {1} of a direct upload: publish it via S3.',
        formatBytes(zipped),
        formatBytes(DIRECT_UPLOAD_LIMIT),
      ),
    );
  } else if (zipped >= DIRECT_UPLOAD_LIMIT * WARN_RATIO) {
    warnings.push(
      l10n.t(
        'The zip is {0}, close to the {1} of a direct upload.',
        formatBytes(zipped),
        formatBytes(DIRECT_UPLOAD_LIMIT),
      ),
    );
  }
  return { warnings, publishViaS3 };
}

export function unzippedLimitMessage(unzipped: number, packages: PackageEntry[]): string {
  const largest = [...packages]
    .sort((a, b) => b.size - a.size)
    .slice(0, 5)
    .map((p) => `${p.name} ${formatBytes(p.size)}`)
    .join(', ');
  return l10n.t(
    'The layer would unzip to {0}, more than the {1} Lambda allows for a function and all its layers. Largest packages: {2}. Split it into several layers or drop packages the function does not import.',
    formatBytes(unzipped),
    formatBytes(UNZIPPED_LIMIT),
    largest,
  );
}

export async function readManifest(path: string): Promise<LayerManifest | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(path, 'utf8')) as LayerManifest;
    return parsed.manifestVersion === MANIFEST_VERSION ? parsed : undefined;
  } catch {
    return undefined;
  }
}
