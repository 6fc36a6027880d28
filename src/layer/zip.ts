import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { Writable } from 'node:stream';
import archiver from 'archiver';
import { CancelledError, throwIfAborted } from '../util/errors';

/**
 * A deterministic ZIP writer on top of archiver. The same entries always give the same bytes: entries sorted by
 * name and appended one after another, one fixed timestamp (1980-01-01 00:00 UTC, the DOS epoch), fixed Unix modes
 * (files 0644, folders 0755), no extra fields, one compression level.
 *
 * Files are read ahead (bounded) while archiver deflates the entries before them, so reading and compressing
 * overlap; file contents are appended as buffers, so a symlink in the input is archived as the file it points to.
 */

export interface ZipInput {
  /** Path inside the archive, "/"-separated, no leading "/". Folders end with "/". */
  name: string;
  /** Content for in-memory entries. */
  data?: Uint8Array;
  /** File to read for on-disk entries (with its size, so read-ahead can be bounded). */
  file?: { path: string; size: number };
}

export interface ZipOptions {
  /** zlib level, 0–9 (default 6, as zip -6 and archiver). */
  level?: number;
  signal?: AbortSignal;
  /** Uncompressed bytes added so far, after each entry. */
  onProgress?: (doneBytes: number) => void;
}

const FILE_MODE = 0o644;
const DIR_MODE = 0o755;
const DOS_EPOCH = new Date(Date.UTC(1980, 0, 1));
/** Read-ahead bounds: at least one entry, then up to this many bytes or entries not yet written. */
const MAX_AHEAD_BYTES = 64 * 1024 * 1024;
const MAX_AHEAD_ENTRIES = 32;
/** Formats that are compressed already: stored, as Info-ZIP's `zip -n` does, instead of deflated for nothing. */
const ALREADY_COMPRESSED = /\.(?:zip|whl|egg|jar|gz|tgz|bz2|xz|zst|lz4|7z|png|jpe?g|gif|webp|npz)$/i;

function byName(a: ZipInput, b: ZipInput): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function sizeOf(input: ZipInput): number {
  return input.data?.length ?? input.file?.size ?? 0;
}

/** Writes the archive to `sink` in order; returns the total length. */
export async function writeZip(
  inputs: ZipInput[],
  sink: (chunk: Uint8Array) => Promise<void>,
  options: ZipOptions = {},
): Promise<number> {
  const level = options.level ?? 6;
  const entries = [...inputs].sort(byName);
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].name === entries[i - 1].name) throw new Error(`duplicate zip entry ${entries[i].name}`);
  }
  throwIfAborted(options.signal);

  const archive = archiver('zip', { zlib: { level }, store: level === 0 });
  let length = 0;
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      length += chunk.length;
      sink(chunk).then(() => callback(), callback);
    },
  });
  let failure: Error | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => {
      failure ??= e;
      reject(e);
    };
    out.on('finish', resolve).on('error', fail);
    archive.on('error', fail).on('warning', fail);
  });
  finished.catch(() => undefined); // awaited below; failures also surface through `failure`
  archive.pipe(out);

  // Entries written so far (archiver emits 'entry' once an entry is in the output).
  let written = 0;
  let writtenBytes = 0;
  let wake: (() => void) | undefined;
  archive.on('entry', () => {
    writtenBytes += sizeOf(entries[written++]);
    options.onProgress?.(writtenBytes);
    wake?.();
  });
  const entryWritten = () => new Promise<void>((resolve) => (wake = resolve));

  try {
    let appendedBytes = 0;
    for (let i = 0; i < entries.length; i++) {
      while (i > written && (i - written >= MAX_AHEAD_ENTRIES || appendedBytes - writtenBytes >= MAX_AHEAD_BYTES)) {
        await Promise.race([entryWritten(), finished]);
      }
      throwIfAborted(options.signal);
      if (failure) throw failure;
      const entry = entries[i];
      if (entry.name.endsWith('/')) {
        archive.append(Buffer.alloc(0), { name: entry.name, date: DOS_EPOCH, mode: DIR_MODE }); // a trailing "/" makes it a folder
        continue;
      }
      const data = entry.data ?? (entry.file ? await fs.readFile(entry.file.path) : new Uint8Array(0));
      archive.append(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
        name: entry.name,
        date: DOS_EPOCH,
        mode: FILE_MODE,
        store: ALREADY_COMPRESSED.test(entry.name),
      });
      appendedBytes += data.length;
    }
    await archive.finalize();
    await finished;
  } catch (e) {
    archive.abort();
    throw options.signal?.aborted ? new CancelledError() : e;
  }
  return length;
}

export interface ZipFileResult {
  size: number;
  /** Hex SHA-256 of the archive. */
  sha256: string;
  /** Base64 SHA-256, as Lambda reports a layer version's CodeSha256. */
  codeSha256: string;
}

/** Writes the archive to `path` (created or truncated), hashing it on the way. */
export async function writeZipFile(inputs: ZipInput[], path: string, options: ZipOptions = {}): Promise<ZipFileResult> {
  const hash = createHash('sha256');
  const handle = await fs.open(path, 'w', 0o644);
  try {
    // Small headers are coalesced so the file sees large writes.
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const chunk = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      for (let written = 0; written < chunk.length; ) {
        written += (await handle.write(chunk, written, chunk.length - written)).bytesWritten;
      }
    };
    const size = await writeZip(
      inputs,
      async (chunk) => {
        hash.update(chunk);
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= 1 << 20) await flush();
      },
      options,
    );
    await flush();
    await handle.sync();
    const digest = hash.digest();
    return { size, sha256: digest.toString('hex'), codeSha256: digest.toString('base64') };
  } finally {
    await handle.close();
  }
}

/** The archive in memory (test fixtures, small archives). */
export async function zipToBuffer(inputs: ZipInput[], options: ZipOptions = {}): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  await writeZip(inputs, async (c) => void chunks.push(c), options);
  return Buffer.concat(chunks);
}
