import { ownerMap, ownerOf, parseMetadata, parseRecord, topLevelFromRecord, type DistInfo } from '../layer/distInfo';
import { parseTopLevel } from '../invoke/distInfo';
import type { ZipIndex } from './zipIndex';

/** Where the files of a source land: the function's code in /var/task, a layer's in /opt. */
export type SourceKind = 'function' | 'layer';

/** A folder of a zip that a runtime searches for modules (Python) or packages (Node.js). */
export interface SearchRoot {
  ecosystem: 'python' | 'node';
  /** Folder inside the zip, "" for the zip's root. */
  dir: string;
  /** For `python/lib/python3.X/site-packages`: the "3.X" whose runtime puts it on sys.path. */
  pythonMinor?: string;
}

/** An installed distribution (Python) or package (Node.js) found in a zip. */
export interface StackPackage {
  ecosystem: 'python' | 'node';
  name: string;
  version: string;
  /** The search root it is installed in. */
  dir: string;
  files: number;
  /** Unzipped bytes of its files (for Python: RECORD's files plus their bytecode and the dist-info). */
  size: number;
  /** Importable top-level names it provides (`import x` / `require('x')`). */
  modules: string[];
}

/** A top-level name importable from a search root, with the package that provides it when one claims it. */
export interface StackModule {
  ecosystem: 'python' | 'node';
  name: string;
  dir: string;
  pythonMinor?: string;
  package?: string;
  version?: string;
}

export interface ZipContents {
  unzippedBytes: number;
  packages: StackPackage[];
  modules: StackModule[];
  /** Whether the zip ships compiled bytecode (`__pycache__/*.pyc`). */
  hasBytecode: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SITE_PACKAGES = /^python\/lib\/python(3\.\d+)\/site-packages$/;

/** The folders Lambda searches in a function's code or in a layer (see searchOrder.ts for their order). */
export function searchRoots(kind: SourceKind, index: ZipIndex): SearchRoot[] {
  if (kind === 'function')
    return [
      { ecosystem: 'python', dir: '' },
      { ecosystem: 'node', dir: 'node_modules' },
    ];
  const dirs = new Set<string>();
  for (const f of index.files) {
    const site = /^(python\/lib\/python3\.\d+\/site-packages)\//.exec(f.path);
    if (site) dirs.add(site[1]);
    const node = /^(nodejs\/(?:node\d+\/)?node_modules)\//.exec(f.path);
    if (node) dirs.add(node[1]);
  }
  const roots: SearchRoot[] = [...dirs].sort().map((dir) => {
    const minor = SITE_PACKAGES.exec(dir)?.[1];
    return minor ? { ecosystem: 'python', dir, pythonMinor: minor } : { ecosystem: 'node', dir };
  });
  return [...roots, { ecosystem: 'python', dir: 'python' }];
}

/** Packages and importable modules of a zip, read from its index alone. */
export function zipContents(kind: SourceKind, index: ZipIndex): ZipContents {
  const contents: ZipContents = { unzippedBytes: index.unzippedBytes, packages: [], modules: [], hasBytecode: false };
  const roots = searchRoots(kind, index);
  for (const root of roots) {
    const nested = roots.filter((r) => r !== root && isUnder(r.dir, root.dir)).map((r) => r.dir);
    const files = index.files
      .filter((f) => isUnder(f.path, root.dir) && !nested.some((n) => isUnder(f.path, n)))
      .map((f) => ({ path: root.dir ? f.path.slice(root.dir.length + 1) : f.path, size: f.size }));
    const found =
      root.ecosystem === 'python' ? pythonRoot(root, files, index.texts) : nodeRoot(root, files, index.texts);
    contents.packages.push(...found.packages);
    contents.modules.push(...found.modules);
  }
  contents.hasBytecode = index.files.some((f) => /(^|\/)__pycache__\/[^/]+\.pyc$/.test(f.path));
  return contents;
}

interface RootFile {
  path: string;
  size: number;
}

function pythonRoot(root: SearchRoot, files: RootFile[], texts: Map<string, string>) {
  const dists = distInfos(root.dir, files, texts);
  const owners = ownerMap(dists);
  const byName = new Map(dists.map((d) => [d.name, { ...packageOf(root, d), files: 0, size: 0 }]));
  // Layers zipped by hand often lack RECORD: their files go to the distribution naming the module as top-level.
  const byTopLevel = new Map(dists.flatMap((d) => d.topLevel.map((m) => [m, d.name] as const)));
  const moduleOwner = new Map<string, string>(); // module → owning distribution, "" when none claims it
  for (const f of files) {
    const mod = topLevelModule(f.path);
    const owner = ownerOf(f.path, owners) ?? (mod ? byTopLevel.get(mod) : undefined);
    const pkg = owner ? byName.get(owner) : undefined;
    if (pkg) {
      pkg.files++;
      pkg.size += f.size;
    }
    if (mod && !moduleOwner.get(mod)) moduleOwner.set(mod, owner ?? '');
  }
  // A layer's python/ folder holds the lib/python3.X/site-packages path itself: not a module.
  if (root.dir === 'python') moduleOwner.delete('lib');
  const modules: StackModule[] = [...moduleOwner]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, owner]) => {
      const pkg = owner ? byName.get(owner) : undefined;
      return {
        ecosystem: 'python',
        name,
        dir: root.dir,
        pythonMinor: root.pythonMinor,
        package: pkg?.name,
        version: pkg?.version,
      };
    });
  for (const m of modules) if (m.package) byName.get(m.package)!.modules.push(m.name);
  return { packages: [...byName.values()], modules };
}

function packageOf(root: SearchRoot, d: DistInfo): StackPackage {
  return { ecosystem: 'python', name: d.name, version: d.version, dir: root.dir, files: 0, size: 0, modules: [] };
}

function distInfos(dir: string, files: RootFile[], texts: Map<string, string>): DistInfo[] {
  const prefix = dir ? `${dir}/` : '';
  const distDirs = new Set(
    files.map((f) => /^([^/]+\.dist-info)\//.exec(f.path)?.[1]).filter((d): d is string => Boolean(d)),
  );
  return [...distDirs].sort().map((distDir) => {
    const text = (f: string) => texts.get(`${prefix}${distDir}/${f}`);
    const meta = parseMetadata(text('METADATA') ?? '');
    const fallback = /^(.+?)-([^-]+)\.dist-info$/.exec(distDir);
    const recorded = parseRecord(text('RECORD') ?? '');
    // Without a RECORD, the dist-info folder itself still belongs to the package.
    const own = files.filter((f) => f.path.startsWith(`${distDir}/`)).map((f) => f.path);
    return {
      dir: distDir,
      name: meta.name ?? fallback?.[1] ?? distDir,
      version: meta.version ?? fallback?.[2] ?? '',
      files: [...recorded, ...own],
      topLevel: topLevelOf(text('top_level.txt'), recorded, meta.name ?? fallback?.[1]),
    };
  });
}

/** top_level.txt, else the top-level names RECORD lists, else the module named like the distribution. */
function topLevelOf(topLevelTxt: string | undefined, recorded: string[], name: string | undefined): string[] {
  if (topLevelTxt !== undefined) return parseTopLevel(topLevelTxt).filter((m) => !m.includes('.'));
  if (recorded.length > 0) return topLevelFromRecord(recorded);
  return name ? [name.replace(/[-.]/g, '_').toLowerCase()] : [];
}

/** The importable top-level name a file (path inside a search root) belongs to. */
export function topLevelModule(path: string): string | undefined {
  const slash = path.indexOf('/');
  if (slash > 0) {
    const first = path.slice(0, slash);
    return IDENTIFIER.test(first) && first !== '__pycache__' ? first : undefined;
  }
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.py|\.pyc|(?:\.[^/.]+)?\.(?:so|pyd))$/.exec(path);
  return m?.[1];
}

function nodeRoot(root: SearchRoot, files: RootFile[], texts: Map<string, string>) {
  const prefix = `${root.dir}/`;
  const byName = new Map<string, StackPackage>();
  for (const f of files) {
    const m = /^((?:@[^/]+\/)?[^/@.][^/]*)\//.exec(f.path);
    if (!m) continue;
    let pkg = byName.get(m[1]);
    if (!pkg) {
      const version = readPackageJsonVersion(texts.get(`${prefix}${m[1]}/package.json`));
      pkg = {
        ecosystem: 'node',
        name: m[1],
        version: version ?? '',
        dir: root.dir,
        files: 0,
        size: 0,
        modules: [m[1]],
      };
      byName.set(m[1], pkg);
    }
    pkg.files++;
    pkg.size += f.size;
  }
  const packages = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  const modules: StackModule[] = packages.map((p) => ({
    ecosystem: 'node',
    name: p.name,
    dir: root.dir,
    package: p.name,
    version: p.version,
  }));
  return { packages, modules };
}

function readPackageJsonVersion(text: string | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}

function isUnder(path: string, dir: string): boolean {
  return dir === '' || path.startsWith(`${dir}/`);
}
