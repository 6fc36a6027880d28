import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNZIPPED_LIMIT } from '../layer/manifest';
import { extractZip } from '../sandbox/runtime/extractZip';
import { resolvePython, runtimePythonVersion } from '../sandbox/runtime/python';
import { throwIfAborted } from '../util/errors';
import type { ReadSource } from './analyze';
import { RUNTIME_SOURCE, resolveModules } from './shadowing';

export interface ImportTiming {
  module: string;
  /** The source the module is imported from (the winner): "function" or a layer version ARN. */
  source: string;
  /** Cumulative import time in a fresh interpreter, bytecode as shipped. */
  ms: number;
  /** Share of the sum over all measured modules. */
  share: number;
  /** The same import with compiled bytecode, when the source ships none (what bytecode would save). */
  msWithBytecode?: number;
  error?: string;
}

export interface ImportMeasurement {
  python: string;
  timings: ImportTiming[];
}

/** `import time: self | cumulative | name` lines of `python -X importtime`: the cumulative µs of `module` imported at top level. */
export function cumulativeMicros(stderr: string, module: string): number | undefined {
  for (const line of stderr.split(/\r?\n/)) {
    const m = /^import time:\s*(\d+)\s*\|\s*(\d+)\s*\|( *)(\S+)\s*$/.exec(line);
    if (m && m[3].length <= 1 && m[4] === module) return Number(m[2]);
  }
  return undefined;
}

/**
 * Measures the import time of each top-level package of the stack's layers and code, each in a fresh local
 * interpreter (`-X importtime`) over extracted copies laid out as Lambda does (/var/task, /opt, the runtime's
 * sys.path order). `-S` keeps the local Python's own site-packages out and `-B` writes no bytecode, so the
 * copies are measured as shipped; for sources without bytecode a second run reads bytecode compiled into
 * a separate cache folder (`-X pycache_prefix`).
 */
export async function measureImports(
  runtime: string | undefined,
  sources: readonly ReadSource[],
  signal?: AbortSignal,
): Promise<ImportMeasurement> {
  const minor = runtimePythonVersion(runtime ?? '');
  if (!minor) return { python: '', timings: [] };
  const winners = packagedModules(runtime, sources);
  const python = await resolvePython(runtime!);
  const root = await fs.mkdtemp(join(tmpdir(), 'lambda-layers-imports-'));
  try {
    const task = join(root, 'task');
    const opt = join(root, 'opt');
    let budget = UNZIPPED_LIMIT;
    for (const s of sources)
      budget -= (await extractZip(s.zipPath, s.kind === 'function' ? task : opt, { maxUnzippedBytes: budget, signal }))
        .bytes;
    const paths = [task, join(opt, 'python', 'lib', `python${minor}`, 'site-packages'), join(opt, 'python')];
    const prefix = join(root, 'pycache');
    const timings: ImportTiming[] = [];
    for (const [module, source] of [...winners].sort(([a], [b]) => a.localeCompare(b))) {
      throwIfAborted(signal);
      const shipped = await timeImport(python.executable, paths, module, [], signal);
      const timing: ImportTiming = {
        module,
        source,
        ms: shipped.ms ?? 0,
        share: 0,
        ...(shipped.error ? { error: shipped.error } : {}),
      };
      const bytecodeShipped = sources.find((s) => s.source === source)?.contents.hasBytecode;
      if (!shipped.error && !bytecodeShipped) {
        await timeImport(python.executable, paths, module, ['-X', `pycache_prefix=${prefix}`], signal, false);
        const compiled = await timeImport(python.executable, paths, module, ['-X', `pycache_prefix=${prefix}`], signal);
        if (compiled.ms !== undefined) timing.msWithBytecode = compiled.ms;
      }
      timings.push(timing);
    }
    const total = timings.reduce((s, t) => s + t.ms, 0);
    for (const t of timings) t.share = total > 0 ? t.ms / total : 0;
    return { python: python.version, timings: timings.sort((a, b) => b.ms - a.ms) };
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

/** Python modules a package in the code or a layer provides, with the source each is imported from (the runtime's are not here). */
function packagedModules(runtime: string | undefined, sources: readonly ReadSource[]): Map<string, string> {
  const modules = resolveModules(runtime, sources).filter(
    (m) => m.ecosystem === 'python' && m.winner !== RUNTIME_SOURCE && m.providers[0].version !== undefined,
  );
  return new Map(modules.map((m) => [m.module, m.winner]));
}

const IMPORT_TIMEOUT_MS = 60_000;

function timeImport(
  python: string,
  paths: string[],
  module: string,
  flags: string[],
  signal?: AbortSignal,
  readOnly = true,
): Promise<{ ms?: number; error?: string }> {
  const script = `import sys; sys.path[0:0] = ${JSON.stringify(paths)}; import ${module}`;
  const args = ['-S', '-I', ...(readOnly ? ['-B'] : []), '-X', 'importtime', ...flags, '-c', script];
  return new Promise((resolve) => {
    execFile(
      python,
      args,
      { timeout: IMPORT_TIMEOUT_MS, signal, maxBuffer: 16 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        const micros = cumulativeMicros(stderr, module);
        if (err || micros === undefined) {
          const last = stderr
            .split(/\r?\n/)
            .filter((l) => l && !l.startsWith('import time:'))
            .pop();
          return resolve({ error: last ?? (err ? err.message : 'no timing') });
        }
        resolve({ ms: micros / 1000 });
      },
    );
  });
}
