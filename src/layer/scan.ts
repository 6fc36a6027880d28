import * as l10n from '@vscode/l10n';
import { promises as fs, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { UserError, throwIfAborted } from '../util/errors';
import { concurrencyLimiter } from '../util/pool';
import { maxGlibcMinor, EM_AARCH64, EM_X86_64, type ElfInfo } from './elf';
import { ownerOf } from './distInfo';
import type { LayerContent } from './content';
import { baseImageLibraries, baseImageName } from './baseImages';
import { LIBRARY_PATH, modelLoading } from './dynamicLoader';
import { readNativeFacts, type NativeFactsStore } from './nativeFacts';
import type { PythonTarget, Target } from './runtimes';

export interface StagedFile {
  /** Relative to the install root, "/"-separated. */
  path: string;
  abs: string;
  size: number;
  /** Any execute bit set (kept in the zip as 0755). */
  executable?: boolean;
}

/** A symbolic link that stays inside the tree; zipped as a link. */
export interface StagedLink {
  /** Relative to the install root, "/"-separated. */
  path: string;
  /** The link text, as written. */
  target: string;
}

export interface StagedTree {
  files: StagedFile[];
  links: StagedLink[];
  /** Relative folder paths, "/"-separated, without the root itself. */
  dirs: string[];
  totalSize: number;
}

export type IncompatibilityReason = 'machine' | 'glibc' | 'python-abi' | 'platform' | 'unreadable' | 'missing-library';

export interface Incompatibility {
  path: string;
  package: string;
  reason: IncompatibilityReason;
  detail: string;
}

/**
 * Decides what `walkTree` leaves out: a folder (with everything below it) or a file, by its path relative to the
 * root. `names` are a folder's own entries (so a virtualenv can be told by its pyvenv.cfg).
 */
export type WalkSkip = (rel: string, kind: 'dir' | 'file', names: readonly string[]) => boolean;

/**
 * Lists the tree sorted by path. Symbolic links are never followed: one that stays inside the tree is listed
 * as a link (Lambda extracts it as one), one that points outside it (an absolute path, or `..` past the root)
 * is refused, since zipping its target would copy files from this machine into the layer.
 */
export async function walkTree(root: string, signal?: AbortSignal, skip?: WalkSkip): Promise<StagedTree> {
  const tree: StagedTree = { files: [], links: [], dirs: [], totalSize: 0 };
  const visit = async (rel: string): Promise<void> => {
    throwIfAborted(signal);
    const entries = await fs.readdir(join(root, rel), { withFileTypes: true });
    if (rel) {
      if (
        skip?.(
          rel,
          'dir',
          entries.map((e) => e.name),
        )
      )
        return;
      tree.dirs.push(rel);
    }
    await Promise.all(
      entries.map(async (e) => {
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        const abs = join(root, childRel);
        if (e.isDirectory()) {
          await visit(childRel);
        } else if (e.isSymbolicLink()) {
          if (skip?.(childRel, 'file', [])) return;
          const target = await fs.readlink(abs);
          if (!linkStaysInside(childRel, target)) {
            throw new UserError(
              l10n.t(
                'A symbolic link in the installed packages points outside the layer, so it cannot be zipped: {0} → {1}',
                childRel,
                target,
              ),
            );
          }
          tree.links.push({ path: childRel, target });
        } else if (e.isFile()) {
          // In place: a stat takes microseconds, its thread-pool round trip several times that (16k files in a
          // node_modules tree: 0.25 s instead of 0.6-1 s).
          const st = statSync(abs);
          if (skip?.(childRel, 'file', [])) return;
          tree.files.push({
            path: childRel,
            abs,
            size: st.size,
            ...((st.mode & 0o111) !== 0 ? { executable: true } : {}),
          });
          tree.totalSize += st.size;
        }
      }),
    );
  };
  await visit('');
  tree.files.sort((a, b) => compare(a.path, b.path));
  tree.links.sort((a, b) => compare(a.path, b.path));
  tree.dirs.sort(compare);
  return tree;
}

/** A relative link text that, resolved from the link's folder, stays within the tree (both "/" and "\\" count). */
export function linkStaysInside(linkPath: string, target: string): boolean {
  const text = target.replace(/\\/g, '/');
  if (text === '' || text.startsWith('/') || /^[A-Za-z]:/.test(text)) return false;
  const resolved = posix.normalize(posix.join(posix.dirname(linkPath), text));
  return resolved !== '..' && !resolved.startsWith('../');
}

/** Extensions that are never native code; everything else is checked for the ELF magic. */
const NEVER_NATIVE =
  /\.(py|pyi|pyc|pyx|pxd|txt|md|rst|json|toml|cfg|ini|yaml|yml|csv|html?|css|js|map|typed|h|hpp|c|cc|cpp|pem|crt|xml|svg|png|jpe?g|gif|ico|mo|po|dat|npz|npy|tmpl|jinja2?|sh|bat|pyd\.typed|mjs|cjs|mts|cts|ts|tsx|jsx)$/i;
/** Files a runtime loads as native code: Node.js addons and shared libraries of any OS. */
const NATIVE_MODULE = /\.(node|so(\.\d+)*|dylib|dll)$/i;
const EXTENSION_SUFFIX = /\.cpython-(\d+)([a-z]*)-([A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*)\.so$/;

/** Python extension modules built for another Python or another OS, judged by the file name alone. */
export function extensionProblem(
  path: string,
  target: PythonTarget,
): { reason: IncompatibilityReason; detail: string } | undefined {
  const base = posix.basename(path);
  if (/\.pyd$/i.test(base)) return { reason: 'platform', detail: l10n.t('Windows extension module (.pyd)') };
  const m = EXTENSION_SUFFIX.exec(base);
  if (!m) return undefined;
  const [, version, flags, platform] = m;
  if (version !== target.pythonTag || flags.includes('t')) {
    return {
      reason: 'python-abi',
      detail: l10n.t(
        'extension for CPython {0} (cpython-{1}{2}), the runtime is {3}',
        versionLabel(version),
        version,
        flags,
        target.runtime,
      ),
    };
  }
  if (platform !== `${target.machine}-linux-gnu`) {
    return {
      reason: 'platform',
      detail: l10n.t('extension for {0}, the layer needs {1}-linux-gnu', platform, target.machine),
    };
  }
  return undefined;
}

function versionLabel(tag: string): string {
  return `${tag[0]}.${tag.slice(1)}`;
}

/** Problems an ELF object would have when loaded on the target. Relocatable objects (.o) are not loaded. */
export function elfProblems(info: ElfInfo, target: Target): { reason: IncompatibilityReason; detail: string }[] {
  if (info.type !== 2 && info.type !== 3) return [];
  const problems: { reason: IncompatibilityReason; detail: string }[] = [];
  const wanted = target.machine === 'aarch64' ? EM_AARCH64 : EM_X86_64;
  if (info.machine !== wanted || info.bits !== 64) {
    problems.push({
      reason: 'machine',
      detail: l10n.t('built for {0} ({1}-bit), the layer targets {2}', info.machineName, info.bits, target.machine),
    });
  }
  const glibc = maxGlibcMinor(info);
  if (glibc !== undefined && glibc > target.glibcMinor) {
    problems.push({
      reason: 'glibc',
      detail: l10n.t('needs GLIBC_2.{0}, {1} provides glibc 2.{2}', glibc, target.runtime, target.glibcMinor),
    });
  }
  return problems;
}

/** A library in the layer that a native file finds only when another module has loaded it first. */
export interface LibraryWarning {
  path: string;
  package: string;
  library: string;
  detail: string;
}

export interface ScanResult {
  /** Files that will not load: the build stops unless the user allows them. */
  incompatibilities: Incompatibility[];
  /** Files whose loading depends on import order: the build goes on and says so. */
  warnings: LibraryWarning[];
}

/** What the scan reads of the layer: its top folder, the files that could be loaded and the links. */
export type ScannedLayer = Pick<LayerContent, 'root' | 'files' | 'links'>;

/**
 * Checks every file that could be native code; returns the offenders with the package that installed them.
 * `known` holds facts learnt from earlier builds (an unchanged wheel's libraries are not inflated again) and
 * receives the new ones.
 */
export async function scanCompatibility(
  layer: ScannedLayer,
  target: Target,
  owners: Map<string, string>,
  signal?: AbortSignal,
  known?: NativeFactsStore,
): Promise<ScanResult> {
  const found: Incompatibility[] = [];
  const packageOf = (path: string) => ownerOf(path, owners) ?? l10n.t('(no package)');
  const add = (path: string, p: { reason: IncompatibilityReason; detail: string }) =>
    found.push({ path, package: packageOf(path), ...p });
  const candidates = layer.files.filter((f) => !NEVER_NATIVE.test(f.path) && f.size >= 4);
  const objects = new Map<string, ElfInfo>();
  const limit = concurrencyLimiter(8);
  await Promise.all(
    candidates.map((f) =>
      limit(async () => {
        throwIfAborted(signal);
        const byName = target.language === 'python' ? extensionProblem(f.path, target) : undefined;
        if (byName) add(f.path, byName);
        let facts = known?.get(f);
        if (!facts) {
          facts = await readNativeFacts(f);
          known?.put(f, facts);
        }
        if (facts.kind === 'Mach-O' || facts.kind === 'PE') {
          if (NATIVE_MODULE.test(f.path))
            add(f.path, {
              reason: 'platform',
              detail:
                facts.kind === 'Mach-O'
                  ? l10n.t('built for macOS (Mach-O), Lambda runs Linux')
                  : l10n.t('built for Windows (PE), Lambda runs Linux'),
            });
        } else if (facts.kind === 'damaged-elf') {
          add(f.path, { reason: 'unreadable', detail: l10n.t('damaged ELF file ({0})', facts.message) });
        } else if (facts.kind === 'elf') {
          const { info } = facts;
          const problems = elfProblems(info, target);
          for (const p of problems) add(f.path, p);
          // A library for another machine cannot load at all: what it needs besides does not matter.
          if ((info.type === 2 || info.type === 3) && !problems.some((p) => p.reason === 'machine'))
            objects.set(f.path, info);
        }
      }),
    ),
  );
  const libraries = libraryProblems(layer, objects, target);
  for (const m of libraries.missing) add(m.path, { reason: 'missing-library', detail: m.detail });
  return {
    // Stable: a file's missing libraries stay in DT_NEEDED order.
    incompatibilities: found.sort((a, b) => compare(a.path, b.path) || compare(a.reason, b.reason)),
    warnings: libraries.orderDependent.map((w) => ({ ...w, package: packageOf(w.path) })),
  };
}

/**
 * The libraries the layer's native objects need (DT_NEEDED) that Lambda's loader will not find through their
 * search paths (see dynamicLoader.ts) nor in the runtime's base image. One that the layer holds elsewhere
 * loads only when another module has brought it in first, so it depends on import order: a warning naming
 * where it is and who loads it. One that is nowhere is missing. Paths are relative to the layer's top folder.
 */
export function libraryProblems(
  layer: ScannedLayer,
  objects: ReadonlyMap<string, ElfInfo>,
  target: Target,
): { missing: { path: string; detail: string }[]; orderDependent: Omit<LibraryWarning, 'package'>[] } {
  const prefix = layer.root ? `${layer.root}/` : '';
  const names = [...layer.files, ...layer.links].map((f) => prefix + f.path);
  const model = modelLoading({
    objects: new Map([...objects].map(([path, info]) => [prefix + path, info])),
    names: new Set(names),
    links: new Map(layer.links.map((l) => [prefix + l.path, l.target])),
    system: baseImageLibraries(target),
  });
  const opt = (zipPath: string) => (zipPath ? `/opt/${zipPath}` : '/opt');
  const relative = (zipPath: string) => zipPath.slice(prefix.length);
  const missing: { path: string; detail: string }[] = [];
  const orderDependent: Omit<LibraryWarning, 'package'>[] = [];
  for (const { object, library, searched, modules } of model.unresolved) {
    const path = relative(object);
    const elsewhere = names.filter((n) => posix.basename(n) === library);
    if (elsewhere.length === 0) {
      const runPaths = searched.filter((d) => !LIBRARY_PATH.includes(d)).map((d) => `${opt(d)}/`);
      missing.push({
        path,
        detail:
          runPaths.length > 0
            ? l10n.t(
                'needs {0}, which is neither in the layer (its run path: {1}) nor in the {2} image of {3}',
                library,
                runPaths.join(', '),
                baseImageName(target),
                target.runtime,
              )
            : l10n.t(
                'needs {0}, which is neither in the layer nor in the {1} image of {2}',
                library,
                baseImageName(target),
                target.runtime,
              ),
      });
      continue;
    }
    const where = elsewhere.map(opt).join(', ');
    // A module whose own loading stops at this need cannot be the one that loads the library first.
    const loaders = [...new Set(model.loadedBy.get(library))].filter((m) => !modules.includes(m)).map(relative);
    orderDependent.push({
      path,
      library,
      detail:
        loaders.length > 0
          ? l10n.t(
              'needs {0}, which is in the layer ({1}) but not on its search path: it loads only if another module loaded it first ({2})',
              library,
              where,
              loaders.join(', '),
            )
          : l10n.t(
              'needs {0}, which is in the layer ({1}) but not on its search path, and no module of the layer loads it from there: it loads only if the package loads it first by its path (with ctypes, for example)',
              library,
              where,
            ),
    });
  }
  return { missing, orderDependent: orderDependent.sort((a, b) => compare(a.path, b.path)) };
}

/** The message listing offenders by package, for the error (or the warning when the user overrides). */
export function describeIncompatibilities(found: Incompatibility[], target: Target, max = 12): string {
  return l10n.t(
    '{0} files will not load on {1} ({2}), from {3}:\n{4}',
    found.length,
    target.runtime,
    target.architecture,
    packageNames(found),
    linesByPackage(found, max),
  );
}

/** The build's warning for the libraries that load only after another module (one message, by package). */
export function describeLibraryWarnings(warnings: LibraryWarning[], max = 12): string {
  return l10n.t(
    '{0} native files of {1} may fail to load, depending on what was imported before them:\n{2}',
    warnings.length,
    packageNames(warnings),
    linesByPackage(warnings, max),
  );
}

/** Code-unit order, the same on every machine (unlike localeCompare). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function packageNames(items: { package: string }[]): string {
  return [...new Set(items.map((i) => i.package))].sort().join(', ');
}

/** `  pkg: path: detail` lines, at most 3 per package and `max` in all. */
function linesByPackage(items: { package: string; path: string; detail: string }[], max: number): string {
  const byPackage = new Map<string, typeof items>();
  for (const f of items) byPackage.set(f.package, [...(byPackage.get(f.package) ?? []), f]);
  const lines: string[] = [];
  for (const [pkg, own] of [...byPackage].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const i of own.slice(0, 3)) lines.push(`  ${pkg}: ${i.path}: ${i.detail}`);
    if (own.length > 3) lines.push(`  ${pkg}: ` + l10n.t('… and {0} more files', own.length - 3));
  }
  const shown = lines.slice(0, max);
  if (lines.length > max) shown.push('  ' + l10n.t('… and {0} more', lines.length - max));
  return shown.join('\n');
}
