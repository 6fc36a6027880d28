import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

/**
 * Reads entries of a zip (a wheel, or a bytecode cache file) without extracting it: the central directory
 * once, then each entry's compressed bytes by a positional read, so the layer zip can copy them as they are.
 * Only what the compatibility scan needs is inflated.
 */

export interface ArchiveEntry {
  name: string;
  /** 0 stored, 8 deflated (others are refused when the archive is opened). */
  method: 0 | 8;
  crc: number;
  size: number;
  compressedSize: number;
  /** Unix mode: the high half of the external attributes, read whatever system made the zip (as pip does). */
  mode: number;
  headerOffset: number;
}

export class ArchiveError extends Error {}

/** pip's rule (`zip_item_is_executable`): a regular file with any x bit; a link entry or a bare mode is not. */
export function isExecutable(mode: number): boolean {
  return (mode & 0o170000) === 0o100000 && (mode & 0o111) !== 0;
}

/**
 * Code page 437's upper half: names without the UTF-8 flag (bit 11) are CP437 (APPNOTE, Python's zipfile). Not
 * yauzl's getFileNameLowLevel: it turns control bytes and 0x7F into glyphs (☺, ⌂) where pip's Python keeps ASCII.
 */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function entryName(bytes: Buffer, utf8: boolean): string {
  if (utf8) return bytes.toString('utf8');
  let name = '';
  for (const b of bytes) name += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
  return name;
}

async function readWhole(handle: fs.FileHandle, size: number): Promise<Buffer> {
  // Not zero-filled (tens of MB per build): only the bytes read are ever handed out.
  const buf = Buffer.allocUnsafe(size);
  let done = 0;
  while (done < size) {
    const { bytesRead } = await handle.read(buf, done, size - done, done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}

const inflateRaw = promisify(zlib.inflateRaw);
const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Archives up to this size are read whole at the first entry read: a layer copies thousands of small entries, and a
 * thread-pool round trip per positional read cost more than the copy itself (`build.incremental`, docs/benchmarks.md).
 */
const READ_WHOLE_MAX_BYTES = 64 * 1024 * 1024;

export class ZipArchive {
  private whole: Promise<Buffer> | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: fs.FileHandle,
    readonly entries: ArchiveEntry[],
    private readonly size: number,
  ) {}

  static async open(path: string): Promise<ZipArchive> {
    const handle = await fs.open(path, 'r');
    try {
      const size = (await handle.stat()).size;
      const entries = await readCentralDirectory(handle, size);
      return new ZipArchive(path, handle, entries, size);
    } catch (e) {
      await handle.close();
      if (e instanceof ArchiveError) throw new ArchiveError(`${path}: ${e.message}`);
      throw e;
    }
  }

  /** The entry's bytes as stored (deflated when method is 8). */
  async raw(entry: ArchiveEntry): Promise<Buffer> {
    // One read usually covers the local header and the data: its extra field rarely outgrows the central one.
    const guess = 30 + Buffer.byteLength(entry.name) + 256 + entry.compressedSize;
    let buf = await this.readAt(entry.headerOffset, guess);
    if (buf.length < 30 || buf.readUInt32LE(0) !== LOCAL)
      throw new ArchiveError(`${this.path}: bad local header for ${entry.name}`);
    const start = 30 + buf.readUInt16LE(26) + buf.readUInt16LE(28);
    if (start + entry.compressedSize > buf.length)
      buf = await this.readAt(entry.headerOffset, start + entry.compressedSize);
    if (start + entry.compressedSize > buf.length) throw new ArchiveError(`${this.path}: ${entry.name} is truncated`);
    return buf.subarray(start, start + entry.compressedSize);
  }

  /** The entry's content, checked against its CRC-32. */
  async read(entry: ArchiveEntry): Promise<Buffer> {
    const raw = await this.raw(entry);
    const data = entry.method === 8 ? await inflateRaw(raw) : raw;
    if (data.length !== entry.size || zlib.crc32(data) !== entry.crc)
      throw new ArchiveError(`${this.path}: ${entry.name} is damaged (size or CRC-32 mismatch)`);
    return data;
  }

  /** At most the first `n` bytes of the entry's content, inflating only as much as that takes. */
  async head(entry: ArchiveEntry, n: number): Promise<Buffer> {
    if (entry.method === 0) return (await this.raw(entry)).subarray(0, n);
    const raw = await this.raw(entry);
    const part = raw.subarray(0, Math.min(raw.length, n + 1024));
    try {
      return zlib.inflateRawSync(part, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, n);
    } catch {
      return (await this.read(entry)).subarray(0, n);
    }
  }

  close(): Promise<void> {
    this.whole = undefined;
    return this.handle.close();
  }

  private async readAt(position: number, length: number): Promise<Buffer> {
    if (this.size <= READ_WHOLE_MAX_BYTES) {
      this.whole ??= readWhole(this.handle, this.size);
      return (await this.whole).subarray(position, position + length);
    }
    const buf = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  }
}

async function readCentralDirectory(handle: fs.FileHandle, fileSize: number): Promise<ArchiveEntry[]> {
  const tailLength = Math.min(fileSize, 22 + 0xffff + 20);
  const tail = Buffer.alloc(tailLength);
  await handle.read(tail, 0, tailLength, fileSize - tailLength);
  let at = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ArchiveError('not a zip file');
  let count = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  if ((count === 0xffff || cdOffset === 0xffffffff) && at >= 20 && tail.readUInt32LE(at - 20) === EOCD64_LOCATOR) {
    const rec = Buffer.alloc(56);
    await handle.read(rec, 0, 56, Number(tail.readBigUInt64LE(at - 12)));
    count = Number(rec.readBigUInt64LE(32));
    cdSize = Number(rec.readBigUInt64LE(40));
    cdOffset = Number(rec.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > fileSize) throw new ArchiveError('central directory outside the file');
  const cd = Buffer.alloc(cdSize);
  await handle.read(cd, 0, cdSize, cdOffset);
  const entries: ArchiveEntry[] = [];
  let off = 0;
  for (let i = 0; i < count; i++) {
    if (off + 46 > cd.length || cd.readUInt32LE(off) !== CENTRAL) throw new ArchiveError('damaged central directory');
    const flags = cd.readUInt16LE(off + 8);
    const method = cd.readUInt16LE(off + 10);
    const nameLength = cd.readUInt16LE(off + 28);
    const extraLength = cd.readUInt16LE(off + 30);
    const commentLength = cd.readUInt16LE(off + 32);
    const name = entryName(cd.subarray(off + 46, off + 46 + nameLength), (flags & 0x0800) !== 0);
    const entry = {
      name,
      method: method as 0 | 8,
      crc: cd.readUInt32LE(off + 16),
      compressedSize: cd.readUInt32LE(off + 20),
      size: cd.readUInt32LE(off + 24),
      mode: cd.readUInt32LE(off + 38) >>> 16,
      headerOffset: cd.readUInt32LE(off + 42),
    };
    readZip64Extra(cd.subarray(off + 46 + nameLength, off + 46 + nameLength + extraLength), entry);
    if (flags & 1) throw new ArchiveError(`${name} is encrypted`);
    if (method !== 0 && method !== 8)
      throw new ArchiveError(`${name} uses compression method ${method} (only stored and deflated are supported)`);
    entries.push(entry);
    off += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Zip64 extra field: 8-byte values for each 32-bit field that reads 0xFFFFFFFF, in a fixed order. */
function readZip64Extra(extra: Buffer, entry: { size: number; compressedSize: number; headerOffset: number }): void {
  for (let i = 0; i + 4 <= extra.length;) {
    const id = extra.readUInt16LE(i);
    const len = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      let p = i + 4;
      for (const field of ['size', 'compressedSize', 'headerOffset'] as const) {
        if (entry[field] === 0xffffffff && p + 8 <= i + 4 + len) {
          entry[field] = Number(extra.readBigUInt64LE(p));
          p += 8;
        }
      }
      return;
    }
    i += 4 + len;
  }
}
