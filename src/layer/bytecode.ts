import * as l10n from '@vscode/l10n';
import { cpus } from 'node:os';
import type { Log } from '../util/log';
import { runProcess } from './processes';

/** Where the layer's python/ folder ends up on Lambda; recorded in the bytecode as the source path. */
export const RUNTIME_ROOT = '/opt/python';

/**
 * Compiles hash-based .pyc files (PEP 552, unchecked-hash): they stay valid although zip timestamps are
 * normalised and /opt is read-only. Only called when the host Python has the runtime's minor version.
 * PYTHONHASHSEED is fixed because frozenset constants are marshalled in hash order.
 */
export async function compileBytecode(
  pythonPath: string,
  root: string,
  env: NodeJS.ProcessEnv,
  log: Log,
  signal?: AbortSignal,
): Promise<void> {
  const args = [
    '-m',
    'compileall',
    '-q',
    '-j',
    '0',
    '--invalidation-mode',
    'unchecked-hash',
    '-s',
    root,
    '-p',
    RUNTIME_ROOT,
    root,
  ];
  const result = await runProcess(pythonPath, args, {
    env: { ...env, PYTHONHASHSEED: '0' },
    signal,
    onLine: (line) => log.debug(line),
  });
  // compileall exits 1 when some file does not compile (py2-only templates and the like); pip ignores those too.
  if (result.code !== 0) log.warn(l10n.t('Some files could not be compiled to bytecode; they stay source-only.'));
}

/** One wheel's sources to compile: `files` are [name in the wheel, install path under python/]. */
export interface WheelCompileJob {
  wheel: string;
  /** The bytecode zip to write (atomically: a temp file renamed into place). */
  out: string;
  files: [string, string][];
  /** Source bytes, to spread the work evenly. */
  bytes: number;
}

/**
 * Compiles each wheel's .py files in memory (read from the wheel, never unpacked) into a zip of .pyc files named
 * as importlib looks for them, with the source path as it will be on Lambda, written unchecked-hash and
 * reproducibly (fixed PYTHONHASHSEED, fixed zip dates, entries sorted). A file that does not compile stays
 * source-only, as with compileall.
 */
const WORKER = [
  'import importlib.util, json, marshal, os, sys, zipfile',
  'spec = json.load(sys.stdin)',
  'head = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little")',
  'for job in spec["jobs"]:',
  '    out = []',
  '    with zipfile.ZipFile(job["wheel"]) as whl:',
  '        for name, path in job["files"]:',
  '            src = whl.read(name)',
  '            try:',
  '                code = compile(src, spec["root"] + "/" + path, "exec", dont_inherit=True)',
  '            except Exception:',
  '                continue',
  '            out.append((importlib.util.cache_from_source(path).replace(os.sep, "/"), head + importlib.util.source_hash(src) + marshal.dumps(code)))',
  '    tmp = job["out"] + ".%d.part" % os.getpid()',
  '    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:',
  '        for name, data in sorted(out):',
  '            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))',
  '            info.compress_type = zipfile.ZIP_DEFLATED',
  '            info.external_attr = 0o100644 << 16',
  '            z.writestr(info, data)',
  '    os.replace(tmp, job["out"])',
].join('\n');

/** Runs the jobs on one worker process per core (at most one per job), the largest jobs first. */
export async function compileWheels(
  pythonPath: string,
  jobs: WheelCompileJob[],
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<void> {
  const workers = Array.from({ length: Math.min(jobs.length, Math.max(1, cpus().length)) }, () => ({
    bytes: 0,
    jobs: [] as WheelCompileJob[],
  }));
  for (const job of [...jobs].sort((a, b) => b.bytes - a.bytes)) {
    const least = workers.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    least.jobs.push(job);
    least.bytes += job.bytes;
  }
  await Promise.all(
    workers.map(async (w) => {
      const input = JSON.stringify({
        root: RUNTIME_ROOT,
        jobs: w.jobs.map(({ wheel, out, files }) => ({ wheel, out, files })),
      });
      const result = await runProcess(pythonPath, ['-s', '-c', WORKER], {
        env: { ...env, PYTHONHASHSEED: '0', PYTHONDONTWRITEBYTECODE: '1' },
        signal,
        stdin: input,
      });
      if (result.code !== 0) throw new Error(`compiling bytecode failed: ${result.output.slice(-2000)}`);
    }),
  );
}
