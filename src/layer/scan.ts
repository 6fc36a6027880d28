import * as l10n from '@vscode/l10n';
import { promises as fs, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { UserError, throwIfAborted } from '../util/errors';
import { concurrencyLimiter } from '../util/pool';
import { isElf, maxGlibcMinor, parseElf, ElfError, EM_AARCH64, EM_X86_64, type ElfInfo } from './elf';
import { ownerOf } from './distInfo';
import { readLayerFile, readLayerFileHead, type LayerFile } from './content';
import { baseImageLibraries, baseImageName } from './baseImages';
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
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  tree.files.sort((a, b) => byPath(a.path, b.path));
  tree.links.sort((a, b) => byPath(a.path, b.path));
  tree.dirs.sort(byPath);
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

/**
 * Native code for another OS, told by its first bytes: Mach-O (thin or universal) is macOS, "MZ" a Windows PE.
 * Only asked for module files (a universal binary's magic is also a Java class file's).
 */
export function foreignBinaryKind(head: Uint8Array): 'Mach-O' | 'PE' | undefined {
  if (head.length < 4) return undefined;
  const magic = Buffer.from(head).readUInt32BE(0);
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe, 0xbebafeca].includes(magic)) return 'Mach-O';
  return head[0] === 0x4d && head[1] === 0x5a ? 'PE' : undefined;
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

/**
 * The layer folders (relative to python/) a file's run path names: `$ORIGIN` is the file's own folder (auditwheel
 * writes `$ORIGIN/../<pkg>.libs`), `/opt/python/…` is the layer itself; entries leaving python/ are not listed.
 */
export function runPathDirs(file: string, runpath: readonly string[]): string[] {
  const origin = posix.dirname(file);
  const dirs: string[] = [];
  for (const entry of runpath) {
    const rel = /^\$(\{ORIGIN\}|ORIGIN)(\/|$)/.test(entry)
      ? posix.normalize(posix.join(origin, entry.replace(/^\$(\{ORIGIN\}|ORIGIN)/, '.')))
      : entry.startsWith('/opt/python/')
        ? posix.normalize(entry.slice('/opt/python/'.length))
        : undefined;
    if (rel !== undefined && rel !== '..' && !rel.startsWith('../')) dirs.push(rel);
  }
  return dirs;
}

/**
 * Libraries a native file needs (DT_NEEDED) that Lambda will not find: neither in the layer (in a folder of its
 * run path, next to the module, or anywhere else in it, since a library another module loaded first is matched by
 * its name) nor in the runtime's base image. With the file's path, the message names the folders its run path
 * points to (where the library was expected).
 */
export function missingLibraries(
  info: ElfInfo,
  inLayer: ReadonlySet<string>,
  target: Target,
  path?: string,
): { reason: IncompatibilityReason; detail: string }[] {
  if (info.type !== 2 && info.type !== 3) return [];
  const system = baseImageLibraries(target);
  const searched = path ? runPathDirs(path, info.runpath) : [];
  return info.needed
    .filter((lib) => !lib.includes('/') && !system.has(lib) && !inLayer.has(lib))
    .map((lib) => ({
      reason: 'missing-library' as const,
      detail:
        searched.length > 0
          ? l10n.t(
              'needs {0}, which is neither in the layer (its run path: {1}) nor in the {2} image of {3}',
              lib,
              searched.map((d) => `${d}/`).join(', '),
              baseImageName(target),
              target.runtime,
            )
          : l10n.t(
              'needs {0}, which is neither in the layer nor in the {1} image of {2}',
              lib,
              baseImageName(target),
              target.runtime,
            ),
    }));
}

/** Checks every file that could be native code; returns the offenders with the package that installed them. */
export async function scanCompatibility(
  files: readonly LayerFile[],
  target: Target,
  owners: Map<string, string>,
  signal?: AbortSignal,
): Promise<Incompatibility[]> {
  const found: Incompatibility[] = [];
  const add = (path: string, p: { reason: IncompatibilityReason; detail: string }) =>
    found.push({ path, package: ownerOf(path, owners) ?? l10n.t('(no package)'), ...p });
  const candidates = files.filter((f) => !NEVER_NATIVE.test(f.path) && f.size >= 4);
  const inLayer = new Set(files.map((f) => posix.basename(f.path)));
  const limit = concurrencyLimiter(8);
  await Promise.all(
    candidates.map((f) =>
      limit(async () => {
        throwIfAborted(signal);
        const byName = target.language === 'python' ? extensionProblem(f.path, target) : undefined;
        if (byName) add(f.path, byName);
        const head = await readLayerFileHead(f, 4);
        if (!isElf(head)) {
          const foreign = NATIVE_MODULE.test(f.path) ? foreignBinaryKind(head) : undefined;
          if (foreign)
            add(f.path, {
              reason: 'platform',
              detail:
                foreign === 'Mach-O'
                  ? l10n.t('built for macOS (Mach-O), Lambda runs Linux')
                  : l10n.t('built for Windows (PE), Lambda runs Linux'),
            });
          return;
        }
        try {
          const info = parseElf(await readLayerFile(f));
          const problems = elfProblems(info, target);
          // A library for another machine cannot load at all: what it needs besides does not matter.
          if (!problems.some((p) => p.reason === 'machine'))
            problems.push(...missingLibraries(info, inLayer, target, f.path));
          for (const p of problems) add(f.path, p);
        } catch (e) {
          if (!(e instanceof ElfError)) throw e;
          add(f.path, { reason: 'unreadable', detail: l10n.t('damaged ELF file ({0})', e.message) });
        }
      }),
    ),
  );
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.reason < b.reason ? -1 : 1));
}

/** The message listing offenders by package, for the error (or the warning when the user overrides). */
export function describeIncompatibilities(found: Incompatibility[], target: Target, max = 12): string {
  const byPackage = new Map<string, Incompatibility[]>();
  for (const f of found) byPackage.set(f.package, [...(byPackage.get(f.package) ?? []), f]);
  const lines: string[] = [];
  for (const [pkg, items] of [...byPackage].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const i of items.slice(0, 3)) lines.push(`  ${pkg}: ${i.path}: ${i.detail}`);
    if (items.length > 3) lines.push(`  ${pkg}: ` + l10n.t('… and {0} more files', items.length - 3));
  }
  const shown = lines.slice(0, max);
  if (lines.length > max) shown.push('  ' + l10n.t('… and {0} more', lines.length - max));
  return l10n.t(
    '{0} files will not load on {1} ({2}), from {3}:\n{4}',
    found.length,
    target.runtime,
    target.architecture,
    [...byPackage.keys()].sort().join(', '),
    shown.join('\n'),
  );
}
