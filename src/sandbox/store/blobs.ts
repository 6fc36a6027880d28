import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isAtomicTempFile } from '../../util/fsAtomic';
import { sha256Hex } from '../wire';
import type { WriteFile } from './diskFull';
import { KeyedMutex } from './mutex';
import { entriesOf } from './quarantine';

const BLOB_NAME = /^([0-9a-f]{64})\.zip$/;

/**
 * Zips stored once by content (SHA-256 hex). A blob is written completely (atomic rename)
 * before any record points at it, so a crash leaves at most an unreferenced blob, removed at the next start.
 * A request pins the blobs it is about to reference so a concurrent delete cannot collect them meanwhile.
 */
export class BlobStore {
  private readonly pins = new Map<string, number>();
  private readonly mutex = new KeyedMutex();

  /** `referenced` tells whether any record (or a quarantined one) points at a blob. */
  constructor(
    readonly dir: string,
    private readonly referenced: (hex: string) => boolean,
    private readonly write: WriteFile,
  ) {}

  pathOf(hex: string): string {
    return join(this.dir, `${hex}.zip`);
  }

  static isHex(hex: string): boolean {
    return BLOB_NAME.test(`${hex}.zip`);
  }

  /** The first of `hexes` whose zip is not there: its record outlived it (lost or deleted by hand). */
  async firstMissing(hexes: string[]): Promise<string | undefined> {
    for (const hex of hexes) {
      if (
        !(await fs.stat(this.pathOf(hex)).then(
          () => true,
          () => false,
        ))
      )
        return hex;
    }
    return undefined;
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
        const exists = await fs.stat(this.pathOf(hex)).then(
          () => true,
          () => false,
        );
        if (!exists) await this.write(this.pathOf(hex), data);
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

  /**
   * At start: drop temp files of interrupted writes and the blobs `keep` rejects; anything else in the folder
   * is not ours and stays. Returns the blobs that are there.
   */
  async collect(keep: (hex: string) => boolean): Promise<Set<string>> {
    const present = new Set<string>();
    for (const entry of await entriesOf(this.dir)) {
      const path = join(this.dir, entry.name);
      const hex = BLOB_NAME.exec(entry.name)?.[1];
      if (!entry.isFile()) continue;
      if (isAtomicTempFile(entry.name)) await fs.rm(path, { force: true });
      else if (hex && keep(hex)) present.add(hex);
      else if (hex) await fs.rm(path, { force: true });
    }
    return present;
  }
}
