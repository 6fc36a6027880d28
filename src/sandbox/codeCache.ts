import { promises as fs } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/fsAtomic';
import { silentLog, type Log } from '../util/log';
import { MAX_UNZIPPED_BYTES } from './limits';
import { extractZip } from './runtime/extractZip';
import type { FunctionRecord } from './store/records';
import { digestTree, removeTree, sealTree, snapshotTree } from './treeSeal';

const KINDS = ['task', 'opt'] as const;

/**
 * Extracted function code (`task/<code sha>`) and merged layers (`opt/<hash of the layers' sha list>`),
 * built once and reused by every invoke that needs the same bytes. A folder is extracted under a
 * temporary name and renamed into place, so a half-extracted folder is never used. Once extracted it is
 * read-only and sealed (treeSeal.ts: the digest is kept in `seals/<kind>/<name>`); before every reuse it is
 * checked against its seal, and a folder that changed is discarded and extracted again, never run.
 */
export class CodeCache {
  private readonly building = new Map<string, Promise<string>>();
  /** Snapshots of the folders verified in this process: a warm invoke compares only these. */
  private readonly snapshots = new Map<string, string>();

  constructor(
    private readonly dir: string,
    private readonly log: Log = silentLog,
  ) {}

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
      p = this.prepare(final, zips).finally(() => this.building.delete(final));
      this.building.set(final, p);
    }
    return p;
  }

  private async prepare(final: string, zips: string[]): Promise<string> {
    if (await exists(final)) {
      if (await this.intact(final)) return final;
      this.log.warn(
        `Extracted code in ${final} does not match what was extracted (changed, added or removed files); extracting it again.`,
      );
      this.snapshots.delete(final);
      await removeTree(final);
    }
    return this.build(final, zips);
  }

  private async intact(final: string): Promise<boolean> {
    const known = this.snapshots.get(final);
    if (known !== undefined) return (await snapshotTree(final).catch(() => undefined)) === known;
    const recorded = await fs.readFile(this.sealPath(final), 'utf8').catch(() => undefined);
    const now = recorded && (await digestTree(final).catch(() => undefined));
    if (!now || now.digest !== recorded) return false;
    this.snapshots.set(final, now.snapshot);
    return true;
  }

  private async build(final: string, zips: string[]): Promise<string> {
    const tmp = `${final}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await fs.mkdir(tmp, { recursive: true });
      let budget = MAX_UNZIPPED_BYTES;
      for (const zip of zips) budget -= (await extractZip(zip, tmp, { maxUnzippedBytes: budget })).bytes;
      const digest = await sealTree(tmp);
      await fs.rename(tmp, final);
      // The seal is written last: a folder without one (an interrupted build) is never trusted.
      this.snapshots.set(final, await snapshotTree(final));
      await writeFileAtomic(this.sealPath(final), digest);
    } catch (e) {
      await removeTree(tmp);
      if (await exists(final)) return final;
      throw e;
    }
    return final;
  }

  private sealPath(final: string): string {
    return join(this.dir, 'seals', basename(dirname(final)), basename(final));
  }

  /** At start: drop interrupted extractions and folders no function uses any more, with their seals. */
  async prune(functions: FunctionRecord[]): Promise<void> {
    const keep = {
      task: new Set(functions.map((f) => f.codeBlob)),
      opt: new Set(functions.map((f) => optKey(f.layers.map((l) => l.blob)))),
    };
    for (const kind of KINDS) {
      for (const base of [join(this.dir, kind), join(this.dir, 'seals', kind)]) {
        const names = await fs.readdir(base).catch(() => [] as string[]);
        for (const n of names) if (!keep[kind].has(n)) await removeTree(join(base, n));
      }
    }
  }
}

const exists = (path: string) =>
  fs.stat(path).then(
    () => true,
    () => false,
  );
const optKey = (layerBlobHexes: string[]) =>
  createHash('sha256').update(layerBlobHexes.join(',')).digest('hex').slice(0, 32);
