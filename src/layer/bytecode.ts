import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import { cpus } from 'node:os';
import { renameAtomic } from '../util/fsAtomic';
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
 * A file that does not compile stays source-only, as with compileall.
 */
const WORKER = [
  'import importlib.util, json, marshal, os, struct, sys, zipfile, zlib',
  'spec = json.load(sys.stdin)',
  'head = importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little")',
  'out = sys.stdout.buffer',
  'wheels = {}',
  'for job, name, path in spec["files"]:',
  '    if job not in wheels:',
  '        wheels[job] = zipfile.ZipFile(spec["wheels"][job])',
  '    src = wheels[job].read(name)',
  '    try:',
  '        code = compile(src, spec["root"] + "/" + path, "exec", dont_inherit=True)',
  '    except Exception:',
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
 * per core, fewer for little work). Nothing is written until every worker is done, so a cancel leaves no file.
 */
export async function compileWheels(
  pythonPath: string,
  jobs: WheelCompileJob[],
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
  workers?: number,
): Promise<void> {
  const files = jobs.flatMap((job, index) => job.files.map((file) => ({ job: index, ...file })));
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  const count = Math.min(Math.max(1, workers ?? workerCount(bytes, cpus().length)), files.length);
  const shares = Array.from({ length: count }, () => ({ bytes: 0, files: [] as typeof files }));
  for (const file of [...files].sort((a, b) => b.size - a.size)) {
    const least = shares.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    least.files.push(file);
    least.bytes += file.size;
  }
  const entries = jobs.map(() => [] as ZipInput[]);
  // A failed worker stops the others: nothing keeps compiling for a build that already failed.
  const failed = new AbortController();
  const workerSignal = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  await Promise.all(
    shares.map(async (share) => {
      try {
        const chunks: Buffer[] = [];
        const input = JSON.stringify({
          root: RUNTIME_ROOT,
          wheels: jobs.map((j) => j.wheel),
          files: share.files.map((f) => [f.job, f.name, f.path]),
        });
        // -S: the worker needs only the standard library, and site's .pth files can cost more than the rest of
        // the start (47 of 70 ms here, one importing certifi).
        const result = await runProcess(pythonPath, ['-S', '-s', '-c', WORKER], {
          env: { ...env, PYTHONHASHSEED: '0', PYTHONDONTWRITEBYTECODE: '1' },
          signal: workerSignal,
          stdin: input,
          onStdout: (chunk) => chunks.push(chunk),
        });
        if (result.code !== 0) throw new Error(`compiling bytecode failed: ${result.output.slice(-2000)}`);
        readFrames(Buffer.concat(chunks), entries);
      } catch (e) {
        failed.abort();
        throw e;
      }
    }),
  );
  await Promise.all(
    jobs.map(async (job, index) => {
      try {
        await writeZipFile(entries[index], job.temp, { signal });
        await renameAtomic(job.temp, job.out);
      } catch (e) {
        await fs.rm(job.temp, { force: true });
        throw e;
      }
    }),
  );
}

/** Adds each .pyc a worker wrote to its job's entries, as stored (deflated) bytes the zip copies. */
function readFrames(out: Buffer, entries: ZipInput[][]): void {
  const damaged = () => new Error('compiling bytecode failed: a worker wrote a truncated or damaged result');
  for (let at = 0; at < out.length; ) {
    if (at + 20 > out.length) throw damaged();
    const [job, nameLength, crc, size, compressedSize] = [0, 4, 8, 12, 16].map((o) => out.readUInt32LE(at + o));
    const body = at + 20 + nameLength;
    const end = body + compressedSize;
    if (end > out.length || !entries[job]) throw damaged();
    const data = out.subarray(body, end);
    const read = () => Promise.resolve(data);
    entries[job].push({ name: out.toString('utf8', at + 20, body), raw: { method: 8, crc, size, compressedSize, read } });
    at = end;
  }
}
