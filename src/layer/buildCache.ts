import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { userCacheDir } from '../stack/cacheDir';
import { writeThenRename } from '../util/fsAtomic';
import { evictLeastRecentlyUsed, touch } from '../util/lruFiles';
import { sha256File } from './cache';

/** Wheels, compiled bytecode and npm tarballs kept by default; the least recently used go first past it. */
export const DEFAULT_BUILD_CACHE_BYTES = 4 * 1024 * 1024 * 1024;

const CACHED = ['wheels', 'bytecode', 'native', 'tarballs'];

/** Changes when the ELF reader learns more, so facts read by an older one are read again. */
const NATIVE_FACTS_VERSION = 'facts1';

/** Changes when the bytes of the bytecode zips do (2: written by Node; 1 was Python's zipfile), never to mix them. */
const BYTECODE_ZIP_VERSION = 'zip2';

/** A temporary file this old belongs to a writer that was killed (a write takes seconds). */
const ABANDONED_PART_MS = 60 * 60 * 1000;

/** The build cache's default folder, in the user's cache folder (`env` so the CLI and tests can redirect it). */
export function defaultBuildCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  return join(userCacheDir(platform, env, env.HOME || env.USERPROFILE || homedir()), 'build');
}

/**
 * Content-addressed build cache: `wheels/<sha256>.whl` (downloaded wheels, by the SHA-256 of their bytes) and
 * `bytecode/<wheel sha256>-<cache tag>-<magic>-zip2.zip` (the .pyc files of one wheel for one Python version, as a
 * zip whose entries are copied raw into layers), `native/<wheel sha256>-facts1.json` (what the compatibility scan
 * read of the wheel's files) and `tarballs/<sha256 of the integrity>.tgz` (npm package tarballs, by
 * the lockfile's integrity string; their bytes are checked against it on every use). Every file is written beside its place and renamed into it, so
 * a crash never leaves a torn entry; a file in use is touched, and eviction removes the least recently used.
 */
export class BuildCache {
  constructor(
    readonly dir: string,
    private readonly maxBytes = DEFAULT_BUILD_CACHE_BYTES,
  ) {}

  wheelPath(sha256: string): string {
    return join(this.dir, 'wheels', `${checkedSha(sha256)}.whl`);
  }

  bytecodePath(wheelSha256: string, pythonTag: string): string {
    return join(this.dir, 'bytecode', `${checkedSha(wheelSha256)}-${pythonTag}-${BYTECODE_ZIP_VERSION}.zip`);
  }

  /** What the compatibility scan learnt of one wheel's files (see wheelNativeFacts.ts). */
  nativeFactsPath(wheelSha256: string): string {
    return join(this.dir, 'native', `${checkedSha(wheelSha256)}-${NATIVE_FACTS_VERSION}.json`);
  }

  tarballPath(integrity: string): string {
    return join(this.dir, 'tarballs', `${createHash('sha256').update(integrity.trim()).digest('hex')}.tgz`);
  }

  /** Whether the cache holds `path` (marking it as used). */
  has(path: string): Promise<boolean> {
    return touch(path);
  }

  /** A temporary path beside `finalPath` (a `.part` that eviction clears if its writer was killed). */
  async tempFor(finalPath: string): Promise<string> {
    await fs.mkdir(join(finalPath, '..'), { recursive: true });
    return `${finalPath}.${randomBytes(6).toString('hex')}.part`;
  }

  /** Puts `path` in place whole: `write` fills a temp file beside it, which is renamed or, on failure, removed. */
  async write(path: string, write: (temp: string) => Promise<unknown>): Promise<void> {
    const temp = await this.tempFor(path);
    await writeThenRename(temp, path, () => write(temp));
  }

  /** Moves a downloaded wheel into the cache when its bytes hash to `sha256`; false (and removed) otherwise. */
  async putWheel(file: string, sha256: string): Promise<boolean> {
    const target = this.wheelPath(sha256);
    if ((await sha256File(file)) !== sha256) {
      await fs.rm(file, { force: true });
      return false;
    }
    await this.write(target, (temp) => fs.copyFile(file, temp));
    return true;
  }

  /** Trims the cache to its size, keeping `inUse` (this build's files); removes what killed writers left. */
  async evict(inUse: Iterable<string>, now = Date.now()): Promise<number> {
    const dirs = CACHED.map((sub) => join(this.dir, sub));
    for (const dir of dirs) {
      for (const name of (await fs.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.part'))) {
        const st = await fs.stat(join(dir, name)).catch(() => undefined);
        if (st && now - st.mtimeMs > ABANDONED_PART_MS) await fs.rm(join(dir, name), { force: true });
      }
    }
    return evictLeastRecentlyUsed(
      dirs,
      (n) => /^[0-9a-f]{64}[^/]*\.(whl|zip|json|tgz)$/.test(n),
      this.maxBytes,
      new Set(inUse),
    );
  }

  /** Removes everything the cache holds; returns the bytes freed. */
  async clear(): Promise<number> {
    let freed = 0;
    for (const sub of CACHED) {
      const dir = join(this.dir, sub);
      for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
        freed += (await fs.stat(join(dir, name)).catch(() => undefined))?.size ?? 0;
      }
      await fs.rm(dir, { recursive: true, force: true });
    }
    return freed;
  }
}

function checkedSha(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return sha256;
}
