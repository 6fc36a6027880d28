import { createHash } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import * as l10n from '@vscode/l10n';
import { UserError, throwIfAborted } from '../util/errors';

/**
 * A deterministic ZIP writer. The same entries always give the same bytes: entries sorted by name, one fixed
 * timestamp (1980-01-01 00:00, the DOS epoch), fixed Unix modes (files 0644, executables and folders 0755, links
 * 0777), no extra fields, one compression level, and an entry is stored instead of deflated exactly when deflate
 * does not shrink it. Entries copied raw from another zip (a wheel) keep that zip's compressed bytes.
 *
 * Why not archiver: it deflates one entry at a time through a zlib stream per entry, which on a layer of
 * thousands of small files costs more than the compression itself. This writer reads and deflates small files
 * synchronously (a thread-pool round trip per open, read, close and deflate costs several times the work itself
 * on a 2 KB file, as a node_modules tree is full of) and larger ones several at once on libuv's thread pool,
 * and writes them in order; `npm run bench` measures both on the same files (`zip.write ours/archiver`).
 */

export interface ZipInput {
  /** Path inside the archive, "/"-separated, no leading "/". Folders end with "/". */
  name: string;
  /** Content for in-memory entries. */
  data?: Uint8Array;
  /** File to read for on-disk entries (with its size, so read-ahead can be bounded). */
  file?: { path: string; size: number };
  /** A symbolic link: the entry holds the link text, with the Unix link mode (as Info-ZIP's `zip -y`). */
  symlink?: string;
  /** An entry of another zip, copied as it is stored there (no inflate, no deflate; its CRC-32 is kept). */
  raw?: RawEntry;
  /** Written with mode 0755 instead of 0644. */
  executable?: boolean;
}

export interface RawEntry {
  method: 0 | 8;
  crc: number;
  size: number;
  compressedSize: number;
  /** The stored bytes. */
  read(): Promise<Uint8Array>;
}

export interface ZipOptions {
  /** zlib level, 0–9 (default 6, as zip -6 and archiver). */
  level?: number;
  signal?: AbortSignal;
  /** Uncompressed bytes added so far, after each entry. */
  onProgress?: (doneBytes: number) => void;
}

const FILE_MODE = 0o100644;
const EXEC_MODE = 0o100755;
const DIR_MODE = 0o040755;
const LINK_MODE = 0o120777;
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const VERSION_MADE_BY = (3 << 8) | 30; // Unix, spec 3.0: readers apply the external Unix mode
const MAX_AHEAD_BYTES = 64 * 1024 * 1024;
const MAX_AHEAD_ENTRIES = 32;
/** Files up to this size are read and deflated on the calling thread: each step takes microseconds. */
const SYNC_MAX_BYTES = 64 * 1024;
const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const ZIP32_LIMIT = 0xffffffff;
/** Bytes per sink call: the file sees large writes, and a hash one update per chunk instead of per header. */
const CHUNK_BYTES = 1 << 20;
/** Bodies larger than this are handed to the sink as they are rather than copied into a chunk. */
const PASS_THROUGH_BYTES = 256 * 1024;

const deflateRaw = promisify(zlib.deflateRaw);

/** An entry ready to write: its body as stored (deflated or not) and what the headers say about it. */
interface Prepared {
  mode: number;
  crc: number;
  method: 0 | 8;
  size: number;
  body: Uint8Array;
}

const EMPTY = new Uint8Array(0);

function byName(a: ZipInput, b: ZipInput): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

async function prepare(input: ZipInput, level: number): Promise<Prepared> {
  if (input.name.endsWith('/')) return { mode: DIR_MODE, crc: 0, method: 0, size: 0, body: EMPTY };
  if (input.symlink !== undefined) {
    const target = Buffer.from(input.symlink, 'utf8');
    return { mode: LINK_MODE, crc: zlib.crc32(target), method: 0, size: target.length, body: target };
  }
  const mode = input.executable ? EXEC_MODE : FILE_MODE;
  if (input.raw) {
    const body = await input.raw.read();
    if (body.length !== input.raw.compressedSize)
      throw new Error(
        `zip entry ${input.name}: expected ${input.raw.compressedSize} stored bytes, read ${body.length}`,
      );
    return { mode, crc: input.raw.crc, method: input.raw.method, size: input.raw.size, body };
  }
  const file = input.file;
  const data =
    input.data ??
    (!file ? EMPTY : file.size <= SYNC_MAX_BYTES ? readFileSync(file.path) : await fs.readFile(file.path));
  const crc = zlib.crc32(data);
  if (data.length === 0 || level === 0) return { mode, crc, method: 0, size: data.length, body: data };
  // The size read decides, not the size listed: a file that grew since is still deflated off the thread.
  const deflated =
    data.length <= SYNC_MAX_BYTES ? zlib.deflateRawSync(data, { level }) : await deflateRaw(data, { level });
  const smaller = deflated.length < data.length;
  return { mode, crc, method: smaller ? 8 : 0, size: data.length, body: smaller ? deflated : data };
}

/**
 * Writes the archive to `sink` in order; returns the total length. A chunk is only valid until the promise the
 * sink returns for it settles: the writer then reuses its memory.
 */
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
  // Entry names are "/"-separated everywhere; a backslash is a folder separator to Windows tools and a plain
  // character to Lambda's unzip, so the same zip would unpack differently. (Only a Unix file name can hold one.)
  const backslashed = entries.find((e) => e.name.includes('\\'));
  if (backslashed) {
    throw new UserError(
      l10n.t(
        'The file name "{0}" contains a backslash, which zip tools read differently on Windows and on Lambda. Rename the file.',
        backslashed.name,
      ),
    );
  }
  const out = new ChunkedSink(sink);
  // The central directory is filled in as entries are written: its size is known from the names alone.
  const central = Buffer.alloc(entries.reduce((n, e) => n + CENTRAL_HEADER + Buffer.byteLength(e.name), 0));
  let centralAt = 0;
  let done = 0;
  // Read-ahead window: entries are prepared (read + deflated) concurrently but written strictly in order.
  const inFlight: { promise: Promise<Prepared>; bytes: number }[] = [];
  let aheadBytes = 0;
  let next = 0;
  const fill = () => {
    while (
      next < entries.length &&
      inFlight.length < MAX_AHEAD_ENTRIES &&
      (inFlight.length === 0 || aheadBytes < MAX_AHEAD_BYTES)
    ) {
      const input = entries[next++];
      const bytes = input.data?.length ?? input.file?.size ?? input.raw?.compressedSize ?? 0;
      const promise = prepare(input, level);
      promise.catch(() => undefined); // observed when its turn comes; avoids an unhandled rejection meanwhile
      inFlight.push({ promise, bytes });
      aheadBytes += bytes;
    }
  };
  fill();
  for (const entry of entries) {
    throwIfAborted(options.signal);
    const head = inFlight.shift()!;
    const p = await head.promise;
    aheadBytes -= head.bytes;
    fill();
    const offset = out.offset;
    if (p.size >= ZIP32_LIMIT || p.body.length >= ZIP32_LIMIT || offset >= ZIP32_LIMIT) {
      throw new Error('zip entry beyond 4 GB: not supported (a layer is at most 250 MB)');
    }
    const nameLength = Buffer.byteLength(entry.name);
    // A large body goes to the sink as it is; a small one is copied into the chunk after its header.
    const copied = p.body.length <= PASS_THROUGH_BYTES;
    const headerLength = LOCAL_HEADER + nameLength;
    if (!out.fits(headerLength + (copied ? p.body.length : 0))) await out.flush();
    const at = out.reserve(headerLength);
    localHeader(out.chunk, at, entry.name, nameLength, p);
    centralHeader(central, centralAt, entry.name, nameLength, p, offset);
    centralAt += CENTRAL_HEADER + nameLength;
    if (copied) out.copy(p.body);
    else await out.pass(p.body);
    done += p.size;
    options.onProgress?.(done);
  }
  const cdStart = out.offset;
  await out.pass(central);
  await out.pass(endRecords(entries.length, cdStart, central.length));
  return out.offset;
}

/**
 * Gathers the archive into chunks of CHUNK_BYTES for the sink: an await and a sink call per small header and body
 * cost more than the bytes themselves on a layer of thousands of small entries. One chunk is reused throughout
 * (a fresh megabyte per flush cost more in page faults than the copy into it), so every byte up to `used` is
 * written by the caller, zero fields included.
 */
class ChunkedSink {
  readonly chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private used = 0;
  /** Bytes written so far, flushed or not: where the next byte lands in the archive. */
  offset = 0;

  constructor(private readonly sink: (chunk: Uint8Array) => Promise<void>) {}

  fits(length: number): boolean {
    return this.used + length <= this.chunk.length;
  }

  /** Where in `chunk` the next `length` bytes go (the caller checked that they fit). */
  reserve(length: number): number {
    const at = this.used;
    this.used += length;
    this.offset += length;
    return at;
  }

  copy(bytes: Uint8Array): void {
    this.chunk.set(bytes, this.reserve(bytes.length));
  }

  /** Hands `bytes` to the sink as they are, after what is gathered so far. */
  async pass(bytes: Uint8Array): Promise<void> {
    await this.flush();
    this.offset += bytes.length;
    if (bytes.length > 0) await this.sink(bytes);
  }

  /** Hands the gathered bytes to the sink; the chunk is refilled once the sink is done with them. */
  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.sink(this.chunk.subarray(0, this.used));
    this.used = 0;
  }
}

function localHeader(h: Buffer, at: number, name: string, nameLength: number, p: Prepared): void {
  h.writeUInt32LE(0x04034b50, at);
  writeSharedFields(h, at + 4, name, nameLength, p);
  h.writeUInt16LE(0, at + 28); // extra length
  h.write(name, at + LOCAL_HEADER, nameLength, 'utf8');
}

/**
 * The run of fields both headers have, in the same order: version needed to extract … file name length. Bit 11
 * (names are UTF-8) only when a name is not plain ASCII, as Info-ZIP does: exactly when it takes more bytes
 * than characters.
 */
function writeSharedFields(h: Buffer, at: number, name: string, nameLength: number, p: Prepared): void {
  h.writeUInt16LE(p.method === 8 ? 20 : 10, at);
  h.writeUInt16LE(nameLength === name.length ? 0 : 0x0800, at + 2);
  h.writeUInt16LE(p.method, at + 4);
  h.writeUInt16LE(DOS_TIME, at + 6);
  h.writeUInt16LE(DOS_DATE, at + 8);
  h.writeUInt32LE(p.crc, at + 10);
  h.writeUInt32LE(p.body.length, at + 14);
  h.writeUInt32LE(p.size, at + 18);
  h.writeUInt16LE(nameLength, at + 22);
}

function centralHeader(h: Buffer, at: number, name: string, nameLength: number, p: Prepared, offset: number): void {
  h.writeUInt32LE(0x02014b50, at);
  h.writeUInt16LE(VERSION_MADE_BY, at + 4);
  writeSharedFields(h, at + 6, name, nameLength, p);
  // extra length, comment length, disk number start, internal attributes: all 0
  h.writeUInt32LE(((p.mode << 16) | (p.mode === DIR_MODE ? 0x10 : 0)) >>> 0, at + 38);
  h.writeUInt32LE(offset, at + 42);
  h.write(name, at + CENTRAL_HEADER, nameLength, 'utf8');
}

/** End of central directory; with the ZIP64 records in front when there are more than 65,535 entries. */
function endRecords(count: number, cdOffset: number, cdSize: number): Buffer {
  const parts: Buffer[] = [];
  const zip64 = count >= 0xffff;
  if (zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(VERSION_MADE_BY, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(count), 24);
    rec.writeBigUInt64LE(BigInt(count), 32);
    rec.writeBigUInt64LE(BigInt(cdSize), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
    locator.writeUInt32LE(1, 16);
    parts.push(rec, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(zip64 ? 0xffff : count, 8);
  eocd.writeUInt16LE(zip64 ? 0xffff : count, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  parts.push(eocd);
  return Buffer.concat(parts);
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
    // writeZip hands over ~1 MB chunks: each is hashed while the thread pool writes it.
    const size = await writeZip(
      inputs,
      async (chunk) => {
        const written = writeAll(handle, chunk);
        hash.update(chunk);
        await written;
      },
      options,
    );
    await handle.sync();
    const digest = hash.digest();
    return { size, sha256: digest.toString('hex'), codeSha256: digest.toString('base64') };
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: fs.FileHandle, chunk: Uint8Array): Promise<void> {
  for (let written = 0; written < chunk.length;) {
    written += (await handle.write(chunk, written, chunk.length - written)).bytesWritten;
  }
}

/** The archive in memory (test fixtures, small archives). */
export async function zipToBuffer(inputs: ZipInput[], options: ZipOptions = {}): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  await writeZip(inputs, async (c) => void chunks.push(Buffer.from(c)), options);
  return Buffer.concat(chunks);
}
