import { promises as fs } from 'node:fs';
import * as l10n from '@vscode/l10n';
import { UserError } from '../util/errors';
import type { KnownSizes } from './sizeGuard';

/**
 * The parts of a build manifest (`<name>.manifest.json` beside `<name>.zip`, written by src/layer) that
 * publishing needs. Read defensively: unknown or malformed fields are dropped, not trusted.
 */
export interface LayerManifest {
  runtimes: string[];
  architectures: string[];
  packages: { name: string; version?: string; size?: number }[];
  unzippedSize?: number;
  zippedSize?: number;
  /** Hex sha256 of the zip. */
  sha256?: string;
  /** base64 sha256 of the zip, as Lambda reports CodeSha256. */
  codeSha256?: string;
}

export function manifestPathFor(zipPath: string): string {
  return zipPath.replace(/\.zip$/i, '') + '.manifest.json';
}

/** Undefined when there is no manifest; a UserError when it exists but is not JSON. */
export async function readLayerManifest(path: string): Promise<LayerManifest | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new UserError(l10n.t('The build manifest {0} is not valid JSON. Rebuild the layer.', path));
  }
  return parseLayerManifest(raw);
}

export function parseLayerManifest(raw: unknown): LayerManifest {
  const o = isRecord(raw) ? raw : {};
  return {
    runtimes: strings(o.runtimes ?? o.runtime),
    architectures: strings(o.architectures ?? o.architecture),
    packages: (Array.isArray(o.packages) ? o.packages : []).filter(isRecord).flatMap((p) =>
      typeof p.name === 'string' ? [{ name: p.name, version: str(p.version), size: num(p.size) }] : [],
    ),
    unzippedSize: num(o.unzippedSize),
    zippedSize: num(o.zippedSize),
    sha256: str(o.sha256),
    codeSha256: str(o.codeSha256),
  };
}

/**
 * A default layer description: "requests 2.32.3, urllib3 2.2.1 (+3 more)", at most `max` chars.
 * Deliberately not translated: it is stored on AWS and compared to decide whether a publish is a no-op,
 * so it must not change with the editor's language.
 */
export function packageSummary(m: LayerManifest, max = 256): string {
  const names = [...m.packages].sort((a, b) => a.name.localeCompare(b.name)).map((p) => (p.version ? `${p.name} ${p.version}` : p.name));
  for (let shown = names.length; shown > 0; shown--) {
    const rest = names.length - shown;
    const text = names.slice(0, shown).join(', ') + (rest > 0 ? ` (+${rest} more)` : '');
    if (text.length <= max) return text;
  }
  return names.length > 0 ? `${names.length} packages`.slice(0, max) : '';
}

/** Unzipped sizes from manifests, for the size guard; `arn` is the version the manifest was published as. */
export function knownSizesFromManifests(entries: readonly { manifest: LayerManifest; arn?: string }[]): KnownSizes {
  const byArn = new Map<string, number>();
  const bySha256 = new Map<string, number>();
  for (const { manifest, arn } of entries) {
    if (manifest.unzippedSize === undefined) continue;
    if (arn) byArn.set(arn, manifest.unzippedSize);
    if (manifest.codeSha256) bySha256.set(manifest.codeSha256, manifest.unzippedSize);
  }
  return { byArn, bySha256 };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}
function strings(v: unknown): string[] {
  if (typeof v === 'string') return v ? [v] : [];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length > 0) : [];
}
