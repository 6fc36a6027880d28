import * as l10n from '@vscode/l10n';
import { cpus } from 'node:os';
import { writeThenRename } from '../util/fsAtomic';
import type { Log } from '../util/log';
import { runProcess } from './processes';
import { writeZipFile, type ZipInput } from './zip';

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

/** One wheel's sources to compile. */
export interface WheelCompileJob {
  wheel: string;
  /** The bytecode zip to write, atomically: written as `temp` (beside it), then renamed into place. */
  out: string;
  temp: string;
  files: SourceFile[];
}

export interface SourceFile {
  /** Name in the wheel. */
  name: string;
  /** Install path under python/. */
  path: string;
  /** Source bytes, to spread the work evenly. */
  size: number;
}

/**
 * Compiles its share of the sources in memory (read from the wheels, never unpacked) into .pyc files named as
 * importlib looks for them, with the source path as it will be on Lambda, unchecked-hash, and writes each one
 * deflated to stdout as a frame: job, name length, CRC-32, size, compressed size (5 × u32 LE), name, bytes.
 * A file that does not compile stays source-only, as with compileall: its frame has no name and no bytes.
 * Output goes out in 1 MB writes (Node then wakes up per pipe-full, not per frame: half its CPU time here), and
 * whenever the worker moves on to the next job (its files come job by job), so Node can write the finished zips.
 */
const WORKER = [
  'import importlib.util, json, marshal, os, struct, sys, zipfile, zlib',
  'spec = json.load(sys.stdin)',
  'head = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little")',
  'out = open(1, "wb", 1 << 20, closefd=False)',
  'wheels = {}',
  'for job, name, path in spec["files"]:',
  '    if job not in wheels:',
  '        out.flush()',
  '        wheels[job] = zipfile.ZipFile(spec["wheels"][job])',
  '    src = wheels[job].read(name)',
  '    try:',
  '        code = compile(src, spec["root"] + "/" + path, "exec", dont_inherit=True)',
  '    except Exception:',
  '        out.write(struct.pack("<5I", job, 0, 0, 0, 0))',
  '        continue',
  '    pyc = head + importlib.util.source_hash(src) + marshal.dumps(code)',
  '    z = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)',
  '    data = z.compress(pyc) + z.flush()',
  '    entry = importlib.util.cache_from_source(path).replace(os.sep, "/").encode()',
  '    out.write(struct.pack("<5I", job, len(entry), zlib.crc32(pyc), len(pyc), len(data)) + entry + data)',
  'out.flush()',
].join('\n');

/** A worker costs ~30 ms to start: one more pays off only with this many source bytes to share (~45 ms of work). */
const SPLIT_MIN_BYTES = 256 * 1024;

/** How many workers compile `bytes` of sources: one per core, fewer when there is too little work to share. */
export function workerCount(bytes: number, cores: number): number {
  return Math.max(1, Math.min(cores, Math.ceil(bytes / SPLIT_MIN_BYTES)));
}

/**
 * Compiles each job's sources into one zip of .pyc files per job, reproducibly (fixed PYTHONHASHSEED, fixed zip
 * dates and modes, entries sorted). The files, not the wheels, are spread over the workers by source bytes (one
 * new wheel in an incremental build still uses every core); the bytes do not depend on `workers` (default: one
 * per core, fewer for little work). Each zip is written as soon as all its files are back, while the workers go on.
 */
export async function compileWheels(
  pythonPath: string,
  jobs: WheelCompileJob[],
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
  workers?: number,
): Promise<void> {
  const bytes = jobs.reduce((sum, job) => sum + job.files.reduce((s, f) => s + f.size, 0), 0);
  const fileCount = jobs.reduce((sum, job) => sum + job.files.length, 0);
  const count = Math.min(Math.max(1, workers ?? workerCount(bytes, cpus().length)), fileCount);
  // Job by job, each file to the least loaded worker: balanced overall, and every worker goes through the jobs in
  // the same order, so the jobs complete (and are written) one after another.
  const shares = Array.from({ length: count }, () => ({ bytes: 0, files: [] as [number, string, string][] }));
  jobs.forEach((job, index) => {
    for (const file of [...job.files].sort((a, b) => b.size - a.size)) {
      const least = shares.reduce((a, b) => (b.bytes < a.bytes ? b : a));
      least.files.push([index, file.name, file.path]);
      least.bytes += file.size;
    }
  });
  // The first failure (a worker, a write, a cancel) stops the rest: nothing keeps compiling or writing for a
  // build that already failed, and that failure is the one reported.
  const failed = new AbortController();
  const stop = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  let error: unknown;
  const fail = (e: unknown) => {
    error ??= e;
    failed.abort();
  };
  const entries = jobs.map(() => [] as ZipInput[]);
  const missing = jobs.map((job) => job.files.length);
  const writes: Promise<void>[] = [];
  const write = (index: number) => writes.push(writeAtomically(entries[index], jobs[index], stop).catch(fail));
  missing.forEach((n, index) => n === 0 && write(index));
  const received = (job: number, entry: ZipInput | undefined) => {
    if (entry) entries[job].push(entry);
    if (--missing[job] === 0) write(job);
  };
  await Promise.all(
    shares.map(async (share) => {
      try {
        const frames = new FrameReader(jobs.length, received);
        const input = JSON.stringify({ root: RUNTIME_ROOT, wheels: jobs.map((j) => j.wheel), files: share.files });
        // -S: the worker needs only the standard library, and site's .pth files can cost more than the rest of
        // the start (47 of 70 ms here, one importing certifi).
        const result = await runProcess(pythonPath, ['-S', '-s', '-c', WORKER], {
          env: { ...env, PYTHONHASHSEED: '0', PYTHONDONTWRITEBYTECODE: '1' },
          signal: stop,
          stdin: input,
          onStdout: (chunk) => frames.push(chunk),
        });
        if (result.code !== 0) throw new Error(`compiling bytecode failed: ${result.output.slice(-2000)}`);
        frames.end();
      } catch (e) {
        fail(e);
      }
    }),
  );
  await Promise.all(writes);
  if (error !== undefined) throw error;
  if (missing.some((n) => n !== 0)) throw damagedOutput();
}

function writeAtomically(entries: ZipInput[], job: WheelCompileJob, signal: AbortSignal): Promise<void> {
  return writeThenRename(job.temp, job.out, () => writeZipFile(entries, job.temp, { signal }));
}

const damagedOutput = () => new Error('compiling bytecode failed: a worker wrote a truncated or damaged result');

/** Reads a worker's frames as they arrive: each .pyc as stored (deflated) bytes the zip copies, or none. */
class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private damaged = false;

  constructor(
    private readonly jobs: number,
    private readonly received: (job: number, entry: ZipInput | undefined) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.damaged) return;
    const out = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (at + 20 <= out.length) {
      const [job, nameLength, crc, size, compressedSize] = [0, 4, 8, 12, 16].map((o) => out.readUInt32LE(at + o));
      const body = at + 20 + nameLength;
      const end = body + compressedSize;
      if (end > out.length) break;
      if (job >= this.jobs) {
        this.damaged = true; // told by end(): this runs in a stream listener, where a throw would be uncaught
        return;
      }
      const data = out.subarray(body, end);
      const read = () => Promise.resolve(data);
      const name = out.toString('utf8', at + 20, body);
      this.received(job, name ? { name, raw: { method: 8, crc, size, compressedSize, read } } : undefined);
      at = end;
    }
    this.pending = out.subarray(at);
  }

  end(): void {
    if (this.damaged || this.pending.length > 0) throw damagedOutput();
  }
}
