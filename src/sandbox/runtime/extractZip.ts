import { createWriteStream, promises as fs } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import { throwIfAborted } from '../../util/errors';

export interface ExtractOptions {
  /** Lambda's limit is 262,144,000 bytes for code plus all layers; counted on the real decompressed bytes. */
  maxUnzippedBytes: number;
  signal?: AbortSignal;
}

export interface ExtractResult {
  entries: number;
  bytes: number;
}

/** Raised for zips that try to write outside the destination or exceed the size cap. */
export class UnsafeZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeZipError';
  }
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const MAX_LINK_TARGET = 4096;

/**
 * Extracts an untrusted zip (a file path or the bytes) into `destDir`, over whatever is there
 * (later layers overwrite earlier ones). Streams every entry, counts real bytes against the cap,
 * refuses `..`/absolute names, never writes through a symlink out of `destDir`, and keeps only
 * relative symlinks that resolve inside it (layers often carry `libfoo.so -> libfoo.so.1`).
 */
export async function extractZip(
  zip: string | Uint8Array,
  destDir: string,
  options: ExtractOptions,
): Promise<ExtractResult> {
  await fs.mkdir(destDir, { recursive: true });
  const root = await fs.realpath(destDir);
  const zipfile = await openZip(zip);
  const state = new Extraction(root, options);
  try {
    await new Promise<void>((done, fail) => {
      zipfile.on('error', fail);
      zipfile.on('end', () => done());
      zipfile.on('entry', (entry: yauzl.Entry) => {
        state.entry(zipfile, entry).then(
          () => zipfile.readEntry(),
          (e: unknown) => {
            zipfile.close();
            fail(e);
          },
        );
      });
      zipfile.readEntry();
    });
  } finally {
    if (zipfile.isOpen) zipfile.close();
  }
  return { entries: state.entries, bytes: state.bytes };
}

function openZip(zip: string | Uint8Array): Promise<yauzl.ZipFile> {
  const options: yauzl.Options = {
    lazyEntries: true,
    autoClose: false,
    validateEntrySizes: true,
    strictFileNames: false,
  };
  return new Promise((done, fail) => {
    const cb = (err: Error | null, z?: yauzl.ZipFile) =>
      err || !z ? fail(err ?? new Error('cannot open zip')) : done(z);
    if (typeof zip === 'string') yauzl.open(zip, options, cb);
    else yauzl.fromBuffer(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength), options, cb);
  });
}

class Extraction {
  entries = 0;
  bytes = 0;
  /** Real paths of directories already checked to lie inside the root. */
  private readonly checkedDirs = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly options: ExtractOptions,
  ) {}

  async entry(zipfile: yauzl.ZipFile, entry: yauzl.Entry): Promise<void> {
    throwIfAborted(this.options.signal);
    this.entries++;
    const name = entry.fileName.replace(/\/+$/, '');
    const segments = name.split('/');
    if (name === '' || isAbsolute(name) || name.includes('\0') || segments.some((s) => s === '..' || s === '')) {
      if (name === '' || name === '.') return;
      throw new UnsafeZipError(`zip entry '${entry.fileName}' points outside the destination`);
    }
    if (this.bytes + entry.uncompressedSize > this.options.maxUnzippedBytes) throw this.tooBig();

    const unixMode = entry.versionMadeBy >> 8 === 3 ? (entry.externalFileAttributes >>> 16) & 0xffff : 0;
    const target = join(this.root, ...segments);
    await this.ensureDir(dirname(target));
    if (entry.fileName.endsWith('/') || (unixMode & S_IFMT) === S_IFDIR) {
      await this.replaceWith(target, 'dir');
      await this.ensureDir(target);
    } else if ((unixMode & S_IFMT) === S_IFLNK) {
      await this.symlink(zipfile, entry, target);
    } else {
      await this.replaceWith(target, 'file');
      const mode = unixMode & 0o111 ? 0o755 : 0o644;
      await pipeline(await openStream(zipfile, entry), this.counter(), createWriteStream(target, { mode }));
    }
  }

  private tooBig(): UnsafeZipError {
    return new UnsafeZipError(`unzipped size exceeds the limit of ${this.options.maxUnzippedBytes} bytes`);
  }

  private counter(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        this.bytes += chunk.length;
        if (this.bytes > this.options.maxUnzippedBytes) return cb(this.tooBig());
        cb(null, chunk);
      },
    });
  }

  /** mkdir -p, then proves the directory's real path (symlinks followed) is still inside the root. */
  private async ensureDir(dir: string): Promise<void> {
    if (this.checkedDirs.has(dir)) return;
    await fs.mkdir(dir, { recursive: true });
    const real = await fs.realpath(dir);
    if (!this.inside(real))
      throw new UnsafeZipError(
        `zip entry under '${relative(this.root, dir)}' would be written outside the destination`,
      );
    this.checkedDirs.add(dir);
  }

  private inside(real: string): boolean {
    return real === this.root || real.startsWith(this.root + sep);
  }

  /** Clears what an earlier layer left at `target` when it is of another kind (a symlink is always replaced, never followed). */
  private async replaceWith(target: string, kind: 'dir' | 'file' | 'link'): Promise<void> {
    const st = await fs.lstat(target).catch(() => undefined);
    if (!st) return;
    const same = kind === 'dir' ? st.isDirectory() : kind === 'file' ? st.isFile() : false;
    if (!same) {
      await fs.rm(target, { recursive: true, force: true });
      this.checkedDirs.clear();
    }
  }

  private async symlink(zipfile: yauzl.ZipFile, entry: yauzl.Entry, target: string): Promise<void> {
    if (entry.uncompressedSize > MAX_LINK_TARGET)
      throw new UnsafeZipError(`symlink '${entry.fileName}' has an oversized target`);
    const chunks: Buffer[] = [];
    const collect = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    await pipeline(await openStream(zipfile, entry), this.counter(), collect);
    const link = Buffer.concat(chunks).toString('utf8');
    // Only `../` at the start, then a downward path: resolving it from the link's real folder proves where it lands,
    // and every symlink it may traverse was held to the same rule.
    const parts = link.split('/');
    const firstDown = parts.findIndex((p) => p !== '..');
    const downward = firstDown === -1 ? [] : parts.slice(firstDown);
    const escapes =
      link === '' ||
      isAbsolute(link) ||
      link.includes('\0') ||
      downward.includes('..') ||
      !this.inside(resolve(await fs.realpath(dirname(target)), link));
    if (escapes) throw new UnsafeZipError(`symlink '${entry.fileName}' -> '${link}' points outside the destination`);
    await this.replaceWith(target, 'link');
    await fs.symlink(link, target);
  }
}

function openStream(zipfile: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((done, fail) =>
    zipfile.openReadStream(entry, (err, stream) => (err || !stream ? fail(err) : done(stream))),
  );
}
