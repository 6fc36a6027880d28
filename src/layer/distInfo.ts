import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/** One installed distribution as its *.dist-info folder describes it. */
export interface DistInfo {
  /** "requests-2.32.3.dist-info", relative to the install root. */
  dir: string;
  name: string;
  version: string;
  /** Installed files from RECORD, relative to the install root, "/"-separated. */
  files: string[];
  /** top_level.txt, or the first path segments in RECORD when the wheel has none. */
  topLevel: string[];
}

/** Name and Version from METADATA (RFC 822 headers; the body after the first blank line is ignored). */
export function parseMetadata(text: string): { name?: string; version?: string } {
  const out: { name?: string; version?: string } = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    const m = /^(Name|Version):\s*(.*?)\s*$/i.exec(line);
    if (m) out[m[1].toLowerCase() as 'name' | 'version'] = m[2];
  }
  return out;
}

/** The first column of RECORD (CSV, paths may be quoted), normalised to paths inside the install root. */
export function parseRecord(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const path = normalizeRecordPath(csvFields(line)[0]);
    if (path) paths.push(path);
  }
  return paths;
}

/** The fields of one CSV line (RECORD quotes a field holding a comma or a quote, doubling the quote). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      for (i++; i < line.length; i++) {
        if (line[i] !== '"') field += line[i];
        else if (line[i + 1] === '"') field += line[i++];
        else break;
      }
      i++;
    }
    const comma = line.indexOf(',', i);
    field += line.slice(i, comma < 0 ? line.length : comma);
    fields.push(field);
    if (comma < 0) return fields;
    i = comma + 1;
  }
}

/**
 * pip --target installs through a temporary prefix, so scripts are recorded as "../../bin/x" while they end up
 * in "<target>/bin/x": dropping the leading "../" segments gives the path inside the target.
 */
function normalizeRecordPath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\.?\/)+/, '');
}

export function topLevelFromRecord(files: string[]): string[] {
  const names = new Set<string>();
  for (const f of files) {
    const first = f.split('/')[0];
    if (!first || first.endsWith('.dist-info') || first.endsWith('.data') || first === '__pycache__' || first === 'bin')
      continue;
    if (f.includes('/')) names.add(first);
    else if (/\.(py|so|pyd)$/.test(first)) names.add(first.replace(/\..*$/, ''));
  }
  return [...names].sort();
}

export async function readDistInfos(root: string): Promise<DistInfo[]> {
  const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
  const distDirs = entries.filter((e) => e.isDirectory() && e.name.endsWith('.dist-info')).map((e) => e.name);
  const dists = await Promise.all(distDirs.map((name) => readDistInfo(root, name)));
  return dists.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

async function readDistInfo(root: string, dirName: string): Promise<DistInfo> {
  const read = (f: string) => fs.readFile(join(root, dirName, f), 'utf8').catch(() => undefined);
  const [metadata, record, topLevel] = await Promise.all([read('METADATA'), read('RECORD'), read('top_level.txt')]);
  const meta = parseMetadata(metadata ?? '');
  const fallback = /^(.+?)-([^-]+)\.dist-info$/.exec(dirName);
  const files = parseRecord(record ?? '');
  return {
    dir: dirName,
    name: meta.name ?? fallback?.[1] ?? dirName,
    version: meta.version ?? fallback?.[2] ?? '',
    files,
    topLevel:
      topLevel !== undefined
        ? topLevel
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter(Boolean)
            .sort()
        : topLevelFromRecord(files),
  };
}

/**
 * Which distribution owns each installed path. Bytecode pip or we compiled is not in RECORD, so
 * "pkg/__pycache__/mod.cpython-312.pyc" is credited to the owner of "pkg/mod.py".
 */
export function ownerOf(path: string, owners: Map<string, string>): string | undefined {
  const direct = owners.get(path);
  if (direct) return direct;
  const distDir = /^([^/]+\.dist-info)\//.exec(path);
  if (distDir) return owners.get(`${distDir[1]}/RECORD`);
  const pyc = /^(.*?)__pycache__\/([^/.]+)\.[^/]*\.pyc$/.exec(path);
  if (pyc) return owners.get(`${pyc[1]}${pyc[2]}.py`);
  return undefined;
}

export function ownerMap(dists: DistInfo[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const d of dists) {
    for (const f of d.files) owners.set(f, d.name);
    owners.set(`${d.dir}/RECORD`, d.name);
  }
  return owners;
}
