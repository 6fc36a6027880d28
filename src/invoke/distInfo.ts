import { parseMetadata, parseRecord, topLevelFromRecord } from '../layer/distInfo';
import { readZipIndex } from '../stack/zipIndex';

/** A distribution found in a layer: its metadata name and version and the modules it puts on sys.path. */
export interface LayerPackage {
  name: string;
  version?: string;
  modules: string[];
}

/** Where Lambda's Python looks inside a layer: `python/` and `python/lib/python3.X/site-packages/`. */
const DIST_INFO =
  /^(python(?:\/lib\/python3\.\d+\/site-packages)?)\/([^/]+)\.dist-info\/(METADATA|top_level\.txt|RECORD)$/;
const SITE_ROOT = /^(python(?:\/lib\/python3\.\d+\/site-packages)?)\/([^/]+)(\/)?/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads the packages of a layer zip from its `*.dist-info` folders without extracting it (the build's
 * src/layer/distInfo reads an installed folder; this reads a published zip's index, src/stack/zipIndex, with the same parsers).
 * Top-level modules come from top_level.txt (setuptools) or, when absent (flit, hatch, poetry
 * wheels), from RECORD; either way only names actually present in the layer are kept.
 */
export async function readLayerPackages(zipPath: string, signal?: AbortSignal): Promise<LayerPackage[]> {
  const index = await readZipIndex(zipPath, signal);
  const files = new Map<string, Map<string, string>>(); // "root/dist" → file → text
  const present = new Map<string, Set<string>>(); // root → top-level names in it
  for (const { path } of index.files) {
    const top = SITE_ROOT.exec(path);
    if (top) addTopLevelName(present, top[1], top[2], top[3] === '/');
    const m = DIST_INFO.exec(path);
    const text = index.texts.get(path);
    if (!m || text === undefined) continue;
    const key = `${m[1]}/${m[2]}`;
    if (!files.has(key)) files.set(key, new Map());
    files.get(key)!.set(m[3], text);
  }

  const seen = new Set<string>();
  const packages: LayerPackage[] = [];
  // Lambda puts python/lib/python3.X/site-packages before python/ on sys.path: a copy there wins.
  const order = (key: string) => (key.startsWith('python/lib/') ? 0 : 1);
  for (const [key, info] of [...files].sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))) {
    const root = key.slice(0, key.lastIndexOf('/'));
    const meta = parseMetadata(info.get('METADATA') ?? '');
    const name = meta.name ?? key.slice(root.length + 1).replace(/-[^-]*$/, '');
    if (seen.has(normalizeName(name))) continue;
    seen.add(normalizeName(name));
    const candidates = info.has('top_level.txt')
      ? parseTopLevel(info.get('top_level.txt')!)
      : topLevelFromRecord(parseRecord(info.get('RECORD') ?? '')).filter((m) => IDENTIFIER.test(m));
    const inLayer = present.get(root) ?? new Set<string>();
    packages.push({ name, version: meta.version, modules: candidates.filter((mod) => inLayer.has(mod.split('.')[0])) });
  }
  return packages.sort((a, b) => normalizeName(a.name).localeCompare(normalizeName(b.name)));
}

export function parseTopLevel(text: string): string[] {
  const names = text
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/\//g, '.'))
    .filter((l) => l.split('.').every((part) => IDENTIFIER.test(part)));
  return [...new Set(names)];
}

/** PEP 503 normalised project name, for matching requirements, manifests and metadata. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

function moduleOfFile(file: string): string | undefined {
  const m = /^([^.]+)\.(?:py|so|pyd|[^/]*\.(?:so|pyd))$/.exec(file);
  return m?.[1];
}

function addTopLevelName(present: Map<string, Set<string>>, root: string, first: string, isDir: boolean): void {
  const name = isDir ? first : moduleOfFile(first);
  if (!name) return;
  if (!present.has(root)) present.set(root, new Set());
  present.get(root)!.add(name);
}
