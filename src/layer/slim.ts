import * as l10n from '@vscode/l10n';
import { posix } from 'node:path';
import { formatBytes } from '../util/format';
import type { Log } from '../util/log';
import { csvFields, ownerOf } from './distInfo';
import { readLayerFile, type LayerContent, type LayerFile, type StagedLayer } from './content';
import type { PackageEntry } from './manifest';
import type { PythonInfo } from './python';
import type { PythonTarget } from './runtimes';
import { packageDirs, slimKind, type SlimKind } from './slimRules';
import { verifySlim } from './slimVerify';

/** A file a slim build would leave out but keeps, because importing `module` failed without it. */
export interface KeptBack {
  path: string;
  package: string;
  kind: SlimKind;
  /** The top-level module whose import needed it. */
  module: string;
}

/** How the slim layer was proven (imports from a read-only copy), or why it could not be. */
export interface SlimVerification {
  /** The local Python's version that imported the modules; undefined when verification was skipped. */
  python?: string;
  /** Top-level modules imported from the slim layer. */
  verified: string[];
  /** Modules that fail here even with nothing left out (another OS or machine, missing settings): not proven. */
  unverifiable: { module: string; error: string }[];
  /** Why nothing was imported (the local Python's minor version is not the runtime's). */
  skipped?: string;
}

/** In the manifest of a slim build. */
export interface SlimSummary {
  removedFiles: number;
  removedBytes: number;
  keptBack: KeptBack[];
  verification: SlimVerification;
}

/**
 * A slim build's layer: tests, docs, examples, type stubs and C sources left out, proven by importing every
 * top-level module with the local Python when its minor version is the runtime's (otherwise it says why not).
 */
export async function slimLayer(
  staged: StagedLayer,
  context: { python: PythonInfo; target: PythonTarget; env: NodeJS.ProcessEnv; log: Log; signal?: AbortSignal },
): Promise<{ staged: StagedLayer; summary: SlimSummary }> {
  const { python, target } = context;
  const { removed } = slimCandidates(staged.content);
  const version = `${python.major}.${python.minor}`;
  if (version !== target.pythonVersion) {
    const skipped = l10n.t(
      'the local Python is {0} and the runtime is {1}, so the imports could not be tried',
      version,
      target.runtime,
    );
    return applySlim(staged, removed, [], { verified: [], unverifiable: [], skipped });
  }
  const { keptBack, verification } =
    removed.length === 0
      ? { keptBack: [], verification: { verified: [], unverifiable: [] } }
      : await verifySlim({
          content: staged.content,
          removed,
          owners: staged.owners,
          python: python.executable,
          env: context.env,
          signal: context.signal,
          log: context.log,
        });
  return applySlim(staged, removed, keptBack, { python: version, ...verification });
}

/** One line for the log: what slimming saved and what it kept back. */
export function slimLogLine(summary: SlimSummary): string {
  return l10n.t(
    'Slim build: left out {0} files ({1}), kept back {2}.',
    summary.removedFiles,
    formatBytes(summary.removedBytes),
    summary.keptBack.length,
  );
}

/** The staged layer split into what a slim build keeps and what it would leave out (sorted by path). */
export function slimCandidates(content: LayerContent): { kept: LayerFile[]; removed: LayerFile[] } {
  const kept: LayerFile[] = [];
  const removed: LayerFile[] = [];
  const packages = packageDirs(content.files.map((f) => f.path));
  for (const f of content.files) (slimKind(f.path, packages) ? removed : kept).push(f);
  return { kept, removed };
}

/**
 * The staged layer without `removed` (minus what verification kept back): each RECORD lists only the files
 * that are in the layer (as RECORD does after an install), folders emptied by slimming are gone, and every
 * package entry says what slimming saved.
 */
export async function applySlim(
  staged: StagedLayer,
  removed: readonly LayerFile[],
  keptBack: readonly Omit<KeptBack, 'kind'>[],
  verification: SlimVerification,
): Promise<{ staged: StagedLayer; summary: SlimSummary }> {
  const keep = new Set(keptBack.map((k) => k.path));
  const gone = removed.filter((f) => !keep.has(f.path));
  const goneSet = new Set(gone.map((f) => f.path));
  const packages = staged.packages.map((p) => ({ ...p }));
  const entryOf = (path: string): PackageEntry | undefined => {
    const owner = ownerOf(path, staged.owners);
    return packages.find((p) => p.name === owner) ?? packages.find((p) => p.version === '');
  };
  for (const f of gone) {
    const entry = entryOf(f.path);
    if (!entry) continue;
    entry.size -= f.size;
    entry.files--;
    entry.slimmed = { files: (entry.slimmed?.files ?? 0) + 1, bytes: (entry.slimmed?.bytes ?? 0) + f.size };
  }
  const files: LayerFile[] = [];
  for (const f of staged.content.files) {
    if (goneSet.has(f.path)) continue;
    if (!/^[^/]+\.dist-info\/RECORD$/.test(f.path)) {
      files.push(f);
      continue;
    }
    const data = Buffer.from(withoutRows((await readLayerFile(f)).toString('utf8'), goneSet), 'utf8');
    const entry = entryOf(f.path);
    if (entry) entry.size += data.length - f.size;
    files.push({ path: f.path, size: data.length, executable: f.executable, source: { data } });
  }
  const packageFolders = packageDirs(staged.content.files.map((f) => f.path));
  const content: LayerContent = { ...staged.content, files, dirs: keptDirs(staged.content, files, packageFolders) };
  const byKind = new Map(removed.map((f) => [f.path, slimKind(f.path, packageFolders)!]));
  return {
    staged: { ...staged, content, packages },
    summary: {
      removedFiles: gone.length,
      removedBytes: gone.reduce((n, f) => n + f.size, 0),
      keptBack: keptBack.map((k) => ({ ...k, kind: byKind.get(k.path)! })),
      verification,
    },
  };
}

/** RECORD without the rows of files that are not in the layer; every other line as it was. */
export function withoutRows(record: string, gone: ReadonlySet<string>): string {
  const lines = record.split(/(?<=\n)/);
  return lines.filter((line) => !line.trim() || !gone.has(csvFields(line.replace(/\r?\n$/, ''))[0])).join('');
}

/** Explicit (possibly empty) folders of a folder build, minus those a slim build leaves out with their files. */
function keptDirs(
  content: LayerContent,
  files: readonly LayerFile[],
  packages: ReadonlySet<string>,
): string[] | undefined {
  if (!content.dirs) return undefined;
  const occupied = new Set<string>();
  for (const { path } of [...files, ...content.links])
    for (let d = posix.dirname(path); d !== '.'; d = posix.dirname(d)) occupied.add(d);
  // An empty `pkg/tests/` left behind would still import (as a namespace package) where the full layer had files.
  return content.dirs.filter((d) => occupied.has(d) || !slimKind(`${d}/-`, packages));
}

/** Warnings of a slim build: what could not be proven. */
export function slimWarnings(summary: SlimSummary): string[] {
  const { verification } = summary;
  if (verification.skipped)
    return [
      l10n.t('Slim build not verified: {0}. Build with a Python of the runtime to prove it.', verification.skipped),
    ];
  if (verification.unverifiable.length === 0) return [];
  return [
    l10n.t(
      'Slim build: {0} could not be imported here even with nothing left out, so leaving files out of them is not proven.',
      verification.unverifiable.map((u) => u.module).join(', '),
    ),
  ];
}
