import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import * as l10n from '@vscode/l10n';
import type { KnownSizes } from '../ops/sizeGuard';
import { UserError } from '../util/errors';
import { renameAtomic, writeFileAtomic } from '../util/fsAtomic';
import { evictLeastRecentlyUsed, touch } from '../util/lruFiles';

/** Zips kept by default; the least recently used go first past it. */
const DEFAULT_CACHE_BYTES = 2 * 1024 * 1024 * 1024;

export interface ZipCacheOptions {
  maxBytes?: number;
  /** How a download location is fetched: a plain GET of the URL given (presigned on AWS). */
  fetch?: typeof fetch;
}

/**
 * Function and layer zips by CodeSha256, in the user's cache folder, so analysing, browsing or comparing
 * a version downloads it once. A download is hashed while it streams and only a zip whose SHA-256 is the
 * CodeSha256 Lambda reported is kept (renamed into place atomically, so readers never see half a file).
 */
export class ZipCache {
  private readonly maxBytes: number;
  private readonly fetch: typeof fetch;
  private readonly inFlight = new Map<string, Promise<string>>();
  /** Downloads made by this instance (a second analysis of the same stack makes none). */
  downloads = 0;

  constructor(
    readonly dir: string,
    options: ZipCacheOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_BYTES;
    this.fetch = options.fetch ?? fetch;
  }

  /** The cached zip's path, downloading `location` first when it is not cached yet. */
  async zip(codeSha256: string, location: string | undefined, signal?: AbortSignal): Promise<string> {
    const path = this.pathOf(codeSha256);
    if (await touch(path)) return path;
    let pending = this.inFlight.get(codeSha256);
    if (!pending) {
      pending = this.download(codeSha256, location, path, signal).finally(() => this.inFlight.delete(codeSha256));
      this.inFlight.set(codeSha256, pending);
    }
    return pending;
  }

  /**
   * Puts a zip built here (a function's new code, before it is deployed) in the cache under its CodeSha256, so
   * the check before the deploy, and any later analysis of the deployed code, read it without a download.
   */
  async store(codeSha256: string, zip: Uint8Array): Promise<string> {
    const path = this.pathOf(codeSha256);
    if (await touch(path)) return path;
    const got = createHash('sha256').update(zip).digest('base64');
    if (got !== codeSha256) throw new Error(`zip to cache is ${got}, not ${codeSha256}`);
    await writeFileAtomic(path, zip);
    await this.evict(path);
    return path;
  }

  /** Records a zip's unzipped size (and the layer version it was read as), for the size guard of later attaches. */
  async rememberUnzipped(codeSha256: string, unzippedBytes: number, layerVersionArn?: string): Promise<void> {
    const sidecar = { codeSha256, unzippedBytes, ...(layerVersionArn ? { arn: layerVersionArn } : {}) };
    await writeFileAtomic(this.pathOf(codeSha256).replace(/\.zip$/, '.json'), JSON.stringify(sidecar));
  }

  /** Unzipped sizes of every zip an analysis, browse or comparison has read: by CodeSha256 and by layer version ARN. */
  async knownSizes(): Promise<Required<KnownSizes>> {
    const bySha256 = new Map<string, number>();
    const byArn = new Map<string, number>();
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => /^[0-9a-f]{64}\.json$/.test(n))) {
      try {
        const { codeSha256, unzippedBytes, arn } = JSON.parse(
          await fs.readFile(join(this.dir, name), 'utf8'),
        ) as Record<string, unknown>;
        if (typeof codeSha256 !== 'string' || typeof unzippedBytes !== 'number') continue;
        bySha256.set(codeSha256, unzippedBytes);
        if (typeof arn === 'string') byArn.set(arn, unzippedBytes);
      } catch {
        // A sidecar removed or half-written by another process: that size is simply unknown.
      }
    }
    return { bySha256, byArn };
  }

  pathOf(codeSha256: string): string {
    const digest = Buffer.from(codeSha256, 'base64');
    if (digest.length !== 32 || digest.toString('base64') !== codeSha256)
      throw new Error(`not a CodeSha256: ${codeSha256}`);
    return join(this.dir, `${digest.toString('hex')}.zip`);
  }

  private async download(
    codeSha256: string,
    location: string | undefined,
    path: string,
    signal?: AbortSignal,
  ): Promise<string> {
    if (!location)
      throw new UserError(
        l10n.t(
          'Lambda gave no download location for this code; check that your credentials may call GetFunction / GetLayerVersion.',
        ),
      );
    await fs.mkdir(this.dir, { recursive: true });
    const part = join(this.dir, `.${randomBytes(6).toString('hex')}.part`);
    try {
      const response = await this.fetch(location, { signal });
      if (!response.ok || !response.body) {
        throw new UserError(
          l10n.t(
            'Downloading the code failed (HTTP {0}). The download link expires after a few minutes: try again.',
            response.status,
          ),
        );
      }
      this.downloads++;
      const hash = createHash('sha256');
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(response.body as WebReadableStream), hashing, createWriteStream(part), {
        signal,
      });
      const got = hash.digest('base64');
      if (got !== codeSha256) {
        throw new UserError(
          l10n.t(
            'The downloaded zip does not match its CodeSha256 ({0} instead of {1}); it was not kept. Try again.',
            got,
            codeSha256,
          ),
        );
      }
      await renameAtomic(part, path);
    } finally {
      await fs.rm(part, { force: true });
    }
    await this.evict(path);
    return path;
  }

  /** Removes the least recently used zips until the cache fits its size again; `keep` stays. */
  private async evict(keep: string): Promise<void> {
    await evictLeastRecentlyUsed(
      [this.dir],
      (n) => n.endsWith('.zip'),
      this.maxBytes,
      new Set([keep]),
      (path) => fs.rm(path.replace(/\.zip$/, '.json'), { force: true }),
    );
  }
}
