import { promises as fs } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MAX_UNZIPPED_BYTES } from './limits';
import { extractZip } from './runtime/extractZip';
import type { FunctionRecord } from './store/records';

/**
 * Extracted function code (`task/<code sha>`) and merged layers (`opt/<hash of the layers' sha list>`),
 * built once and reused by every invoke that needs the same bytes. A folder is extracted under a
 * temporary name and renamed into place, so a half-extracted folder is never used.
 */
export class CodeCache {
  private readonly building = new Map<string, Promise<string>>();

  constructor(private readonly dir: string) {}

  taskDir(codeBlobHex: string, zipPath: string): Promise<string> {
    return this.ensure(join(this.dir, 'task', codeBlobHex), [zipPath]);
  }

  /** Layers are extracted in the listed order into one folder; a later layer's file wins. */
  optDir(layerBlobHexes: string[], zipPaths: string[]): Promise<string> {
    return this.ensure(join(this.dir, 'opt', optKey(layerBlobHexes)), zipPaths);
  }

  private ensure(final: string, zips: string[]): Promise<string> {
    let p = this.building.get(final);
    if (!p) {
      p = this.build(final, zips).finally(() => this.building.delete(final));
      this.building.set(final, p);
    }
    return p;
  }

  private async build(final: string, zips: string[]): Promise<string> {
    if (await fs.stat(final).then(() => true, () => false)) return final;
    const tmp = `${final}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await fs.mkdir(tmp, { recursive: true });
      let budget = MAX_UNZIPPED_BYTES;
      for (const zip of zips) budget -= (await extractZip(zip, tmp, { maxUnzippedBytes: budget })).bytes;
      await fs.rename(tmp, final);
    } catch (e) {
      await fs.rm(tmp, { recursive: true, force: true });
      if (await fs.stat(final).then(() => true, () => false)) return final;
      throw e;
    }
    return final;
  }

  /** At start: drop interrupted extractions and folders no function uses any more. */
  async prune(functions: FunctionRecord[]): Promise<void> {
    const keep = {
      task: new Set(functions.map((f) => f.codeBlob)),
      opt: new Set(functions.map((f) => optKey(f.layers.map((l) => l.blob)))),
    };
    for (const kind of ['task', 'opt'] as const) {
      const base = join(this.dir, kind);
      const names = await fs.readdir(base).catch(() => [] as string[]);
      for (const n of names) if (!keep[kind].has(n)) await fs.rm(join(base, n), { recursive: true, force: true });
    }
  }
}

const optKey = (layerBlobHexes: string[]) => createHash('sha256').update(layerBlobHexes.join(',')).digest('hex').slice(0, 32);
