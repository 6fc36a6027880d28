import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/fsAtomic';
import { sha256Hex } from '../wire';
import { KeyedMutex } from './mutex';

const BLOB_NAME = /^[0-9a-f]{64}\.zip$/;

/**
 * Zips stored once by content (SHA-256 hex). A blob is written completely (atomic rename)
 * before any record points at it, so a crash leaves at most an unreferenced blob, removed at the next start.
 * A request pins the blobs it is about to reference so a concurrent delete cannot collect them meanwhile.
 */
export class BlobStore {
  private readonly pins = new Map<string, number>();
  private readonly mutex = new KeyedMutex();

  /** `referenced` tells whether any record points at a blob. */
  constructor(readonly dir: string, private readonly referenced: (hex: string) => boolean) {}

  pathOf(hex: string): string {
    return join(this.dir, `${hex}.zip`);
  }

  static isHex(hex: string): boolean {
    return BLOB_NAME.test(`${hex}.zip`);
  }

  pin(hex: string): void {
    this.pins.set(hex, (this.pins.get(hex) ?? 0) + 1);
  }

  unpin(hex: string): void {
    const n = (this.pins.get(hex) ?? 1) - 1;
    if (n <= 0) this.pins.delete(hex);
    else this.pins.set(hex, n);
  }

  /** Stores the bytes and returns their hex digest, pinned: `unpin` once a record references it or the request failed. */
  async put(data: Uint8Array): Promise<string> {
    const hex = sha256Hex(data);
    this.pin(hex);
    try {
      await this.mutex.run(hex, async () => {
        const exists = await fs.stat(this.pathOf(hex)).then(() => true, () => false);
        if (!exists) await writeFileAtomic(this.pathOf(hex), data);
      });
      return hex;
    } catch (e) {
      this.unpin(hex);
      throw e;
    }
  }

  /** Unpins after a request; when the request failed before recording a reference, the blob goes. */
  release(hex: string): Promise<void> {
    this.unpin(hex);
    return this.deleteIfUnused(hex);
  }

  deleteIfUnused(hex: string): Promise<void> {
    return this.mutex.run(hex, async () => {
      if (this.pins.has(hex) || this.referenced(hex)) return;
      await fs.rm(this.pathOf(hex), { force: true });
    });
  }

  /** At start: drop temp files of interrupted writes and blobs no record references. */
  async collect(referenced: Set<string>): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    for (const name of await fs.readdir(this.dir)) {
      const keep = BLOB_NAME.test(name) && referenced.has(name.slice(0, 64));
      if (!keep) await fs.rm(join(this.dir, name), { force: true, recursive: true });
    }
  }
}
