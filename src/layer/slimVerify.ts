import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { topLevelModule } from '../stack/packages';
import { UserError, throwIfAborted } from '../util/errors';
import type { Log } from '../util/log';
import { concurrencyLimiter } from '../util/pool';
import { readLayerFile, type LayerContent, type LayerFile } from './content';
import { ownerOf } from './distInfo';
import { runProcess } from './processes';
import type { KeptBack, SlimVerification } from './slim';

export interface VerifyInput {
  /** The whole staged layer, before anything is left out. */
  content: LayerContent;
  /** What the slim build would leave out. */
  removed: readonly LayerFile[];
  owners: Map<string, string>;
  /** An interpreter of the runtime's minor version. */
  python: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  log: Log;
}

/**
 * Proves a slim layer: every top-level module it holds is imported in a fresh local interpreter from a read-only
 * copy laid out as /opt/python (`-S -I -B`: none of this machine's packages, no bytecode written), first with
 * nothing left out, then slim. A module that imported before and fails slim gets back the fewest removed files
 * it needs (searched among its own package's removed files, then among all), and everything is imported again.
 * Modules that fail even with nothing left out (native code for another OS or machine, settings they read at
 * import) cannot be proven here and are reported as such.
 */
export async function verifySlim(input: VerifyInput): Promise<{
  keptBack: Omit<KeptBack, 'kind'>[];
  verification: Omit<SlimVerification, 'python'>;
}> {
  const { content, removed, owners, log } = input;
  const removedPaths = removed.map((f) => f.path);
  const removedSet = new Set(removedPaths);
  const slimFiles = content.files.filter((f) => !removedSet.has(f.path));
  const modules = [...new Set(slimFiles.map((f) => topLevelModule(f.path)).filter((m) => m !== undefined))].sort();
  const root = await fs.mkdtemp(join(tmpdir(), 'lambda-layers-slim-'));
  const tree = new VerifyTree(join(root, 'python'), input);
  try {
    await tree.write(content.files, content.links);
    const full = await tree.imports(modules);
    await tree.remove(removedPaths);
    let slim = await tree.imports(modules);
    const broken = (errors: Map<string, string | undefined>) => modules.filter((m) => !full.get(m) && errors.get(m));
    const keptBack: Omit<KeptBack, 'kind'>[] = [];
    // First each module among its own package's removed files, then (what still fails) among all of them, so a
    // file is credited to the module of its own package when another module only failed by importing that one.
    for (const among of ['own', 'all'] as const) {
      for (const module of broken(slim)) {
        if (!(await tree.importError(module))) continue; // a file kept back for an earlier module was enough
        const own = new Set(
          slimFiles.filter((f) => topLevelModule(f.path) === module).map((f) => ownerOf(f.path, owners)),
        );
        const left = removedPaths.filter((p) => !tree.has(p) && (among === 'all' || own.has(ownerOf(p, owners))));
        const needed = await tree.fewestNeeded(module, left);
        if (!needed) continue;
        const kept = withPackageFiles(needed, removedPaths);
        await tree.keep(kept);
        for (const path of kept) {
          const pkg = ownerOf(path, owners) ?? '';
          log.info(l10n.t('Slim build: kept {0} ({1}), importing {2} failed without it.', path, pkg, module));
          keptBack.push({ path, package: pkg, module });
        }
      }
    }
    if (keptBack.length > 0) slim = await tree.imports(modules);
    const failing = broken(slim);
    if (failing.length > 0) {
      throw new UserError(
        l10n.t(
          'The slim layer cannot be proven: {0} imports with nothing left out but not slim ({1}), and keeping back the removed files did not change that. Build without slimming.',
          failing.join(', '),
          slim.get(failing[0]) ?? '',
        ),
      );
    }
    return {
      keptBack: keptBack.sort((a, b) => (a.path < b.path ? -1 : 1)),
      verification: {
        verified: modules.filter((m) => !full.get(m)),
        unverifiable: modules.filter((m) => full.get(m)).map((m) => ({ module: m, error: full.get(m)! })),
      },
    };
  } finally {
    await tree.unlock().catch(() => undefined);
    await fs.rm(root, { recursive: true, force: true });
  }
}

/**
 * What is kept with a file an import needed: for a module, the `__init__.py` of each folder above it (without it
 * it would import from a namespace package instead of the package as shipped); the bytecode of every kept source.
 */
export function withPackageFiles(needed: readonly string[], removed: readonly string[]): string[] {
  const wanted = new Set(needed);
  for (const path of needed.filter((p) => /\.(py|pyc|so)$/.test(p)))
    for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) wanted.add(`${dir}/__init__.py`);
  const sources = new Set([...wanted].filter((p) => p.endsWith('.py')).map((p) => p.slice(0, -3)));
  const isBytecodeOf = (p: string) => {
    const m = /^(.*?)(?:__pycache__\/)?([^/.]+)(?:\.[^/]+)?\.pyc$/.exec(p);
    return m !== null && sources.has(`${m[1]}${m[2]}`);
  };
  return removed.filter((p) => wanted.has(p) || isBytecodeOf(p)).sort();
}

const MARK = '@@lambda-layers-import@@';
/** Imports each module named after the root (argv[1]); one marked line each: [module, error or null]. */
const IMPORT_SCRIPT = [
  'import importlib, json, os, sys',
  'sys.path.insert(0, sys.argv[1])',
  'for name in sys.argv[2:]:',
  '    try:',
  '        importlib.import_module(name)',
  '        error = None',
  '    except BaseException as e:',
  '        error = (type(e).__name__ + ": " + str(e))[:500]',
  `    sys.stdout.write(${JSON.stringify(MARK)} + json.dumps([name, error]) + "\\n")`,
  '    sys.stdout.flush()',
  'os._exit(0)',
].join('\n');
const IMPORT_TIMEOUT_MS = 120_000;

/** The layer on disk, files read-only (folders too while Python runs), with removed files taken out and put back. */
class VerifyTree {
  private readonly byPath = new Map<string, LayerFile>();
  private readonly present = new Set<string>();
  private readonly links: string[] = [];
  /** Removed files put back for one trial (not yet kept). */
  private trial = new Set<string>();
  private readonly limit = concurrencyLimiter(16);

  constructor(
    private readonly root: string,
    private readonly input: VerifyInput,
  ) {}

  has(path: string): boolean {
    return this.present.has(path) && !this.trial.has(path);
  }

  async write(files: readonly LayerFile[], links: LayerContent['links'] = []): Promise<void> {
    for (const f of files) this.byPath.set(f.path, f);
    await fs.mkdir(this.root, { recursive: true });
    await Promise.all(files.map((f) => this.limit(() => this.put(f.path))));
    for (const l of links) {
      await fs.mkdir(dirname(join(this.root, l.path)), { recursive: true });
      await fs.symlink(l.target, join(this.root, l.path));
      this.links.push(l.path);
    }
  }

  async remove(paths: readonly string[]): Promise<void> {
    await Promise.all(paths.map((p) => this.limit(() => this.unlink(p))));
  }

  /** Puts files back for good. */
  async keep(paths: readonly string[]): Promise<void> {
    await this.trialWith([]);
    await Promise.all(paths.map((p) => this.limit(() => this.put(p))));
  }

  /** Every module's import error (undefined when it imported), in one interpreter, restarted after a crash. */
  async imports(modules: readonly string[]): Promise<Map<string, string | undefined>> {
    const results = new Map<string, string | undefined>();
    let rest = [...modules];
    await this.lock();
    try {
      while (rest.length > 0) {
        const { reported, ended } = await this.run(rest);
        for (const [m, e] of reported) results.set(m, e ?? undefined);
        rest = rest.filter((m) => !results.has(m));
        // The first module that did not report brought the interpreter down.
        if (rest.length > 0) results.set(rest.shift()!, ended);
      }
    } finally {
      await this.unlock();
    }
    return results;
  }

  async importError(module: string): Promise<string | undefined> {
    return (await this.imports([module])).get(module);
  }

  /**
   * The fewest of `candidates` (removed files) whose return lets `module` import, searched by bisection over the
   * sorted list (each file found costs about log2(n) imports); undefined when even all of them do not help.
   */
  async fewestNeeded(module: string, candidates: readonly string[]): Promise<string[] | undefined> {
    const works = async (paths: string[]) => (await this.trialWith(paths), !(await this.importError(module)));
    let pool = [...candidates].sort();
    if (pool.length === 0 || !(await works(pool))) return undefined;
    const needed: string[] = [];
    while (!(await works(needed))) {
      let lo = 1;
      let hi = pool.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (await works([...needed, ...pool.slice(0, mid)])) hi = mid;
        else lo = mid + 1;
      }
      needed.push(pool[lo - 1]);
      pool = pool.slice(0, lo - 1);
    }
    await this.trialWith([]);
    return needed.sort();
  }

  /** Exactly `paths` of the removed files (besides those kept for good) are back for the next import. */
  private async trialWith(paths: readonly string[]): Promise<void> {
    const next = new Set(paths.filter((p) => !this.present.has(p) || this.trial.has(p)));
    await this.remove([...this.trial].filter((p) => !next.has(p)));
    await Promise.all([...next].filter((p) => !this.present.has(p)).map((p) => this.limit(() => this.put(p))));
    this.trial = next;
  }

  private async put(path: string): Promise<void> {
    throwIfAborted(this.input.signal);
    const file = this.byPath.get(path)!;
    const abs = join(this.root, path);
    await fs.mkdir(dirname(abs), { recursive: true });
    await fs.writeFile(abs, await readLayerFile(file), { mode: file.executable ? 0o555 : 0o444 });
    this.present.add(path);
  }

  /** Removes the file and the folders it leaves empty (an empty folder would still import as a namespace). */
  private async unlink(path: string): Promise<void> {
    await fs.rm(join(this.root, path), { force: true });
    this.present.delete(path);
    this.trial.delete(path);
    for (let dir = dirname(join(this.root, path)); dir.length > this.root.length; dir = dirname(dir)) {
      if (
        !(await fs.rmdir(dir).then(
          () => true,
          () => false,
        ))
      )
        break;
    }
  }

  private folders(): string[] {
    const dirs = new Set<string>([this.root]);
    for (const p of [...this.present, ...this.links])
      for (let d = dirname(join(this.root, p)); d.length > this.root.length; d = dirname(d)) dirs.add(d);
    return [...dirs];
  }

  private lock(): Promise<void> {
    return this.chmodFolders(0o555);
  }

  unlock(): Promise<void> {
    return this.chmodFolders(0o755);
  }

  private async chmodFolders(mode: number): Promise<void> {
    await Promise.all(this.folders().map((d) => this.limit(() => fs.chmod(d, mode).catch(() => undefined))));
  }

  private async run(modules: readonly string[]): Promise<{ reported: [string, string | null][]; ended: string }> {
    const { signal } = this.input;
    const timeout = AbortSignal.timeout(IMPORT_TIMEOUT_MS);
    const reported: [string, string | null][] = [];
    try {
      const result = await runProcess(
        this.input.python,
        ['-S', '-I', '-B', '-c', IMPORT_SCRIPT, this.root, ...modules],
        {
          env: this.input.env,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          onLine: (line, stream) => {
            if (stream === 'stdout' && line.startsWith(MARK))
              reported.push(JSON.parse(line.slice(MARK.length)) as [string, string | null]);
          },
        },
      );
      const last =
        result.output
          .trim()
          .split(/\r?\n/)
          .filter((l) => !l.startsWith(MARK))
          .pop() ?? '';
      return { reported, ended: l10n.t('the interpreter exited with code {0} {1}', String(result.code), last).trim() };
    } catch (e) {
      if (signal?.aborted || !timeout.aborted) throw e;
      return { reported, ended: l10n.t('no answer within {0} s', IMPORT_TIMEOUT_MS / 1000) };
    }
  }
}
