import * as l10n from '@vscode/l10n';
import { UserError, throwIfAborted } from '../util/errors';
import { concurrencyLimiter } from '../util/pool';
import { ZipArchive, ArchiveError, isExecutable, type ArchiveEntry } from './archive';
import type { BuildCache } from './buildCache';
import { compileWheels, type SourceFile, type WheelCompileJob } from './bytecode';
import type { LayerContent, LayerFile, StagedLayer } from './content';
import { topLevelFromRecord } from './distInfo';
import type { PackageEntry } from './manifest';
import type { LocatedWheel } from './resolve';
import { INSTALLER_TEXT, distInfoDir, installPath, rewriteRecord } from './wheelLayout';
import { WheelNativeFacts } from './wheelNativeFacts';

/** The Python interpreter that compiles bytecode for the target (same minor version) and its identity. */
export interface BytecodeCompiler {
  python: string;
  /** Cache tag and magic number: the bytecode cache's key next to the wheel's SHA-256. */
  key: string;
}

/**
 * Wheels install files over each other's with different contents: pip -t keeps the copy of the package it installs
 * last, in an order of its own (dependencies first, then by name) that the installation report does not give.
 */
export class OverlappingWheelsError extends Error {
  constructor(readonly overlaps: { path: string; packages: string[] }[]) {
    super(`wheels install different files at the same path: ${overlaps.map((o) => o.path).join(', ')}`);
  }
}

interface WheelPlan {
  wheel: LocatedWheel;
  archive: ZipArchive;
  distInfo: string;
  placed: { entry: ArchiveEntry; path: string }[];
  sources: SourceFile[];
  bytecode?: ZipArchive;
}

/**
 * The Python stager of the streamed build: lays the resolved wheels out as pip installs them for `--target`,
 * reading every file from its wheel (nothing is unpacked), with each wheel's bytecode from the build cache
 * (compiling, in parallel, only the wheels it does not hold yet).
 */
export async function stageWheels(
  wheels: LocatedWheel[],
  options: { cache: BuildCache; compiler?: BytecodeCompiler; env: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<StagedLayer> {
  const { cache, compiler, signal } = options;
  const archives: ZipArchive[] = [];
  const close = async () => {
    await Promise.all(archives.map((a) => a.close().catch(() => undefined)));
  };
  try {
    const limit = concurrencyLimiter(16);
    const plans = await Promise.all(wheels.map((w) => limit(() => planWheel(w, archives))));
    throwIfAborted(signal);
    const overlaps = differingOverlaps(plans);
    if (overlaps.length > 0) throw new OverlappingWheelsError(overlaps);
    const cacheFiles = wheels.filter((w) => w.path.startsWith(cache.dir)).map((w) => w.path);
    const nativeFacts = await WheelNativeFacts.load(
      cache,
      plans.map((p) => ({ archive: p.archive, sha256: p.wheel.sha256 })),
    );
    cacheFiles.push(...nativeFacts.paths);
    if (compiler) {
      const jobs: WheelCompileJob[] = [];
      for (const plan of plans) {
        if (plan.sources.length === 0) continue;
        const out = cache.bytecodePath(plan.wheel.sha256, compiler.key);
        cacheFiles.push(out);
        if (!(await cache.has(out)))
          jobs.push({ wheel: plan.wheel.path, out, temp: await cache.tempFor(out), files: plan.sources });
      }
      if (jobs.length > 0) await compileWheels(compiler.python, jobs, options.env, signal);
      for (const plan of plans) {
        if (plan.sources.length === 0) continue;
        plan.bytecode = await ZipArchive.open(cache.bytecodePath(plan.wheel.sha256, compiler.key));
        archives.push(plan.bytecode);
      }
    }
    const files = new Map<string, LayerFile>();
    const owners = new Map<string, string>();
    const topLevels = new Map<string, string[]>();
    for (const plan of plans) {
      const name = plan.wheel.name;
      // Files several wheels install are the same bytes (differingOverlaps): which copy is kept does not matter.
      const add = (file: LayerFile) => {
        files.set(file.path, file);
        owners.set(file.path, name);
      };
      for (const { entry, path } of plan.placed) {
        add({
          path,
          size: entry.size,
          executable: isExecutable(entry.mode),
          source: { archive: plan.archive, entry },
        });
      }
      const pycs = plan.bytecode?.entries.filter((e) => !e.name.endsWith('/')) ?? [];
      for (const entry of pycs) add({ path: entry.name, size: entry.size, source: { archive: plan.bytecode!, entry } });
      const generated = [{ path: `${plan.distInfo}/INSTALLER`, data: Buffer.from(INSTALLER_TEXT) }];
      if (plan.wheel.requested) generated.push({ path: `${plan.distInfo}/REQUESTED`, data: Buffer.alloc(0) });
      if (plan.wheel.directUrl !== undefined)
        generated.push({ path: `${plan.distInfo}/direct_url.json`, data: Buffer.from(plan.wheel.directUrl, 'utf8') });
      const recordEntry = plan.archive.entries.find((e) => e.name === `${plan.distInfo}/RECORD`);
      const record = rewriteRecord({
        original: recordEntry ? (await plan.archive.read(recordEntry)).toString('utf8') : '',
        distInfo: plan.distInfo,
        place: (n) => placedPath(plan, n),
        installed: plan.placed.map((p) => p.entry.name),
        generated,
        bytecode: pycs.map((e) => e.name),
      });
      generated.push({ path: `${plan.distInfo}/RECORD`, data: Buffer.from(record, 'utf8') });
      for (const g of generated) add({ path: g.path, size: g.data.length, source: { data: g.data } });
      topLevels.set(name, await topLevelOf(plan));
    }
    const content: LayerContent = {
      root: 'python',
      files: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
      links: [],
    };
    return {
      content,
      packages: packageEntries(plans, content.files, owners, topLevels),
      owners,
      bytecode: !!compiler,
      cacheFiles,
      nativeFacts,
      warnings: [],
      close,
    };
  } catch (e) {
    await close();
    if (e instanceof ArchiveError) throw new UserError(l10n.t('A wheel could not be read: {0}', e.message));
    throw e;
  }
}

async function planWheel(wheel: LocatedWheel, archives: ZipArchive[]): Promise<WheelPlan> {
  const archive = await ZipArchive.open(wheel.path);
  archives.push(archive);
  const fileName = wheel.path.split(/[\\/]/).pop() ?? wheel.path;
  const distInfo = distInfoDir(
    archive.entries.map((e) => e.name),
    fileName,
  );
  const plan: WheelPlan = { wheel, archive, distInfo, placed: [], sources: [] };
  const paths = new Set<string>();
  for (const entry of archive.entries) {
    const path = installPath(entry.name, distInfo, fileName);
    if (path === undefined) continue;
    // pip writes both, the later over the earlier; a zip that holds a name twice is read differently by each tool.
    if (paths.has(path))
      throw new UserError(l10n.t('{0} is not a valid wheel: it installs {1} twice.', fileName, path));
    paths.add(path);
    plan.placed.push({ entry, path });
    if (path.endsWith('.py') && !path.startsWith(`${distInfo}/`)) {
      plan.sources.push({ name: entry.name, path, size: entry.size });
    }
  }
  return plan;
}

/** Paths that several wheels install with different contents (size or CRC-32), with those packages. */
function differingOverlaps(plans: WheelPlan[]): { path: string; packages: string[] }[] {
  const first = new Map<string, { entry: ArchiveEntry; name: string }>();
  const overlaps = new Map<string, string[]>();
  for (const plan of plans) {
    for (const { entry, path } of plan.placed) {
      const seen = first.get(path);
      if (!seen) first.set(path, { entry, name: plan.wheel.name });
      else if (seen.entry.crc !== entry.crc || seen.entry.size !== entry.size)
        overlaps.set(path, [...(overlaps.get(path) ?? [seen.name]), plan.wheel.name]);
    }
  }
  return [...overlaps]
    .map(([path, packages]) => ({ path, packages: packages.sort() }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** A RECORD path's install path; RECORD lists paths as they are in the wheel. */
function placedPath(plan: WheelPlan, name: string): string | undefined {
  try {
    return installPath(name, plan.distInfo, plan.wheel.path);
  } catch {
    return undefined;
  }
}

async function topLevelOf(plan: WheelPlan): Promise<string[]> {
  const entry = plan.archive.entries.find((e) => e.name === `${plan.distInfo}/top_level.txt`);
  if (!entry) return topLevelFromRecord(plan.placed.map((p) => p.path));
  const text = (await plan.archive.read(entry)).toString('utf8');
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
}

function packageEntries(
  plans: WheelPlan[],
  files: LayerFile[],
  owners: Map<string, string>,
  topLevels: Map<string, string[]>,
): PackageEntry[] {
  const byName = new Map<string, PackageEntry>();
  for (const p of plans)
    byName.set(p.wheel.name, {
      name: p.wheel.name,
      version: p.wheel.version,
      size: 0,
      files: 0,
      topLevel: topLevels.get(p.wheel.name) ?? [],
    });
  for (const f of files) {
    const entry = byName.get(owners.get(f.path) ?? '');
    if (!entry) continue;
    entry.size += f.size;
    entry.files++;
  }
  return [...byName.values()].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
}
