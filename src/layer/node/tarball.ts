import { createHash } from 'node:crypto';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { extract } from 'tar-stream';
import { UNZIPPED_LIMIT } from '../manifest';

/** A file of a package tarball, relative to the package's folder. */
export interface TarballFile {
  path: string;
  data: Buffer;
  executable: boolean;
}

const gunzip = promisify<zlib.InputType, zlib.ZlibOptions, Buffer>(zlib.gunzip);
/** Tar headers and padding around the files' bytes. */
const TAR_OVERHEAD = 16 * 1024 * 1024;

export class TarballTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`unpacks to more than ${maxBytes} bytes`);
  }
}

/** Bytes that are no tar (gzipped or not) or end before the archive does: npm cannot unpack them either. */
export class TarballUnreadable extends Error {}

/**
 * The files of an npm package tarball as npm (pacote and node-tar) installs them: the first path segment
 * ("package/") dropped, files only (npm drops links and devices from tarballs), nothing that would land outside
 * the package folder, a later file of the same path replacing an earlier one, a file and a folder at one path
 * settled by whichever came first, `.gitignore` renamed to `.npmignore` (unless one came first), and a file
 * executable when the tarball says so.
 */
export async function tarballFiles(tgz: Uint8Array, maxBytes = UNZIPPED_LIMIT): Promise<TarballFile[]> {
  // node-tar unzips what starts with gzip's magic bytes and reads anything else as a plain tar.
  const gzipped = tgz[0] === 0x1f && tgz[1] === 0x8b;
  if (!gzipped && tgz.length > maxBytes + TAR_OVERHEAD) throw new TarballTooLarge(maxBytes);
  // A hostile tarball (a gzip bomb) stops at the most a layer may hold instead of filling the memory.
  const tar = !gzipped
    ? tgz
    : await gunzip(tgz, { maxOutputLength: maxBytes + TAR_OVERHEAD }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ERR_BUFFER_TOO_LARGE') throw new TarballTooLarge(maxBytes);
        throw new TarballUnreadable(e.message);
      });
  const files = new Map<string, TarballFile>();
  const dirs = new Set<string>();
  const sawIgnores = new Set<string>();
  const reader = extract();
  const done = new Promise<void>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('error', next);
      stream.on('end', () => {
        const name =
          header.type === 'file' || header.type === 'contiguous-file' ? npmName(header.name, sawIgnores) : undefined;
        const path = name === undefined ? undefined : packagePath(name);
        const parents =
          path
            ?.split('/')
            .slice(0, -1)
            .map((_, i, a) => a.slice(0, i + 1).join('/')) ?? [];
        // node-tar cannot write a file over a folder it made, nor a folder where it wrote a file.
        if (path && !dirs.has(path) && !parents.some((d) => files.has(d))) {
          files.set(path, { path, data: Buffer.concat(chunks), executable: ((header.mode ?? 0) & 0o111) !== 0 });
          for (const d of parents) dirs.add(d);
        }
        next();
      });
    });
    reader.on('finish', resolve);
    reader.on('error', (e: Error) => reject(new TarballUnreadable(e.message)));
  });
  reader.end(tar);
  await done;
  return [...files.values()];
}

/**
 * pacote's rename of a file entry: `.gitignore` becomes `.npmignore` (npm pack treats them alike), or is left out
 * when a `.npmignore` of that (unstripped) path came before it.
 */
function npmName(name: string, sawIgnores: Set<string>): string | undefined {
  const base = posix.basename(name);
  if (base === '.npmignore') sawIgnores.add(name);
  if (base !== '.gitignore') return name;
  const renamed = name.replace(/\.gitignore$/, '.npmignore');
  return sawIgnores.has(renamed) ? undefined : renamed;
}

/**
 * Where node-tar (with npm's strip: 1) writes an entry, relative to the package folder: the first segment dropped
 * whatever it is ("package", "." or the empty one before "/"), then any root ("/", "C:") stripped, then "." and
 * empty segments resolved away; undefined for the package folder itself and for any "..". Backslashes count as
 * separators, as on Windows (npm on Linux would keep them in the file's name).
 */
export function packagePath(name: string): string | undefined {
  const rest = name
    .replace(/\\/g, '/')
    .split('/')
    .slice(1)
    .join('/')
    .replace(/^(?:\/|[A-Za-z]:)+/, '');
  const parts = rest.split('/');
  if (parts.includes('..')) return undefined;
  const kept = parts.filter((p) => p !== '' && p !== '.');
  return kept.length > 0 ? kept.join('/') : undefined;
}

/**
 * Where npm's cache (cacache) keeps content with this integrity: `_cacache/content-v2/<algorithm>/<hex digest
 * split 2/2/rest>`, one path per digest the integrity lists.
 */
export function npmCacheContentPaths(npmCache: string, integrity: string): string[] {
  return integrityHashes(integrity).map(({ algorithm, digest }) => {
    const hex = Buffer.from(digest, 'base64').toString('hex');
    return join(npmCache, '_cacache', 'content-v2', algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
  });
}

/** The digests of a Subresource Integrity string ("sha512-… sha1-…"), strongest algorithm first. */
function integrityHashes(integrity: string): { algorithm: string; digest: string }[] {
  return integrity
    .trim()
    .split(/\s+/)
    .map((item) => /^(sha512|sha384|sha256|sha1)-([A-Za-z0-9+/=]+)(\?.*)?$/.exec(item))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ algorithm: m[1], digest: m[2] }))
    .sort((a, b) => RANKED.indexOf(a.algorithm) - RANKED.indexOf(b.algorithm));
}

const RANKED = ['sha512', 'sha384', 'sha256', 'sha1'];

/**
 * Whether `bytes` match a Subresource Integrity string as npm checks one: the strongest algorithm it lists
 * decides, and any of that algorithm's digests may match.
 */
export function matchesIntegrity(bytes: Uint8Array, integrity: string): boolean {
  const hashes = integrityHashes(integrity);
  if (hashes.length === 0) return false;
  const { algorithm } = hashes[0];
  const digest = createHash(algorithm).update(bytes).digest('base64');
  return hashes.some((h) => h.algorithm === algorithm && h.digest === digest);
}
