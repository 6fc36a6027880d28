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

const deflateRaw = promisify(zlib.deflateRaw);

interface Prepared {
  name: Buffer;
  mode: number;
  crc: number;
  method: 0 | 8;
  size: number;
  body: Uint8Array;
}

interface CentralRecord extends Omit<Prepared, 'body'> {
  compressedSize: number;
  offset: number;
}

function byName(a: ZipInput, b: ZipInput): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

async function prepare(input: ZipInput, level: number): Promise<Prepared> {
  const name = Buffer.from(input.name, 'utf8');
  if (input.name.endsWith('/')) return { name, mode: DIR_MODE, crc: 0, method: 0, size: 0, body: new Uint8Array(0) };
  if (input.symlink !== undefined) {
    const target = Buffer.from(input.symlink, 'utf8');
    return { name, mode: LINK_MODE, crc: zlib.crc32(target), method: 0, size: target.length, body: target };
  }
  const mode = input.executable ? EXEC_MODE : FILE_MODE;
  if (input.raw) {
    const body = await input.raw.read();
    if (body.length !== input.raw.compressedSize)
      throw new Error(
        `zip entry ${input.name}: expected ${input.raw.compressedSize} stored bytes, read ${body.length}`,
      );
    return { name, mode, crc: input.raw.crc, method: input.raw.method, size: input.raw.size, body };
  }
  const file = input.file;
  const data =
    input.data ??
    (!file ? new Uint8Array(0) : file.size <= SYNC_MAX_BYTES ? readFileSync(file.path) : await fs.readFile(file.path));
  const crc = zlib.crc32(data);
  if (data.length === 0 || level === 0) return { name, mode, crc, method: 0, size: data.length, body: data };
  // The size read decides, not the size listed: a file that grew since is still deflated off the thread.
  const deflated =
    data.length <= SYNC_MAX_BYTES ? zlib.deflateRawSync(data, { level }) : await deflateRaw(data, { level });
  const smaller = deflated.length < data.length;
  return { name, mode, crc, method: smaller ? 8 : 0, size: data.length, body: smaller ? deflated : data };
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
  const central: CentralRecord[] = [];
  let offset = 0;
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
  while (inFlight.length > 0) {
    throwIfAborted(options.signal);
    const head = inFlight.shift()!;
    const p = await head.promise;
    aheadBytes -= head.bytes;
    fill();
    const record: CentralRecord = { ...p, compressedSize: p.body.length, offset };
    assertZip32(record);
    const header = localHeader(record);
    await sink(header);
    if (p.body.length > 0) await sink(p.body);
    offset += header.length + p.body.length;
    central.push(record);
    done += p.size;
    options.onProgress?.(done);
  }
  const cdStart = offset;
  for (const r of central) {
    const h = centralHeader(r);
    await sink(h);
    offset += h.length;
  }
  const tail = endRecords(central.length, cdStart, offset - cdStart);
  await sink(tail);
  return offset + tail.length;
}

function assertZip32(r: CentralRecord): void {
  if (r.size >= 0xffffffff || r.compressedSize >= 0xffffffff || r.offset >= 0xffffffff) {
    throw new Error('zip entry beyond 4 GB: not supported (a layer is at most 250 MB)');
  }
}

function localHeader(r: CentralRecord): Buffer {
  const h = Buffer.alloc(30 + r.name.length);
  h.writeUInt32LE(0x04034b50, 0);
  writeSharedFields(h, r, 4);
  h.writeUInt16LE(0, 28);
  r.name.copy(h, 30);
  return h;
}

/** The run of fields both headers have, in the same order: version needed to extract … file name length. */
function writeSharedFields(h: Buffer, r: CentralRecord, at: number): void {
  h.writeUInt16LE(r.method === 8 ? 20 : 10, at);
  h.writeUInt16LE(utf8Flag(r.name), at + 2);
  h.writeUInt16LE(r.method, at + 4);
  h.writeUInt16LE(DOS_TIME, at + 6);
  h.writeUInt16LE(DOS_DATE, at + 8);
  h.writeUInt32LE(r.crc, at + 10);
  h.writeUInt32LE(r.compressedSize, at + 14);
  h.writeUInt32LE(r.size, at + 18);
  h.writeUInt16LE(r.name.length, at + 22);
}

function centralHeader(r: CentralRecord): Buffer {
  const h = Buffer.alloc(46 + r.name.length);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(VERSION_MADE_BY, 4);
  writeSharedFields(h, r, 6);
  // extra length, comment length, disk number start, internal attributes: all 0
  h.writeUInt32LE(((r.mode << 16) | (r.mode === DIR_MODE ? 0x10 : 0)) >>> 0, 38);
  h.writeUInt32LE(r.offset, 42);
  r.name.copy(h, 46);
  return h;
}

/** Bit 11 (names are UTF-8) only when a name is not plain ASCII, as Info-ZIP does. */
function utf8Flag(name: Buffer): number {
  return name.some((b) => b > 0x7f) ? 0x0800 : 0;
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
    // Small headers are coalesced so the file sees large writes.
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const chunk = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      for (let written = 0; written < chunk.length;) {
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
