import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isAtomicTempFile } from '../../util/fsAtomic';
import type { WriteFile } from './diskFull';
import { KeyedMutex } from './mutex';
import { entriesOf, type Quarantine } from './quarantine';
import { FUNCTION_FILE_NAME, functionProblem } from './recordShape';
import type { FunctionRecord } from './records';

/** One region's functions: `<dir>/<name>.json`, replaced atomically on every change. */
export class FunctionStore {
  private readonly functions = new Map<string, FunctionRecord>();
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly dir: string,
    private readonly write: WriteFile,
  ) {}

  /** Loads `<name>.json` files; removes our own temp files, quarantines damaged records, leaves anything else alone. */
  async load(quarantine: Quarantine): Promise<FunctionRecord[]> {
    for (const entry of await entriesOf(this.dir)) {
      if (!entry.isFile()) continue;
      const path = join(this.dir, entry.name);
      const m = FUNCTION_FILE_NAME.exec(entry.name);
      if (isAtomicTempFile(entry.name))
        await fs.rm(path, { force: true }); // an interrupted write
      else if (m) {
        const record = await quarantine.read<FunctionRecord>(path, (v) => functionProblem(v, m[1]));
        if (record) this.functions.set(record.name, record);
      }
    }
    return [...this.functions.values()];
  }

  get(name: string): FunctionRecord | undefined {
    return this.functions.get(name);
  }

  /** All functions sorted by name. */
  list(): FunctionRecord[] {
    return [...this.functions.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Runs a read-check-write step for one function under its lock. `change` sees the current record
   * (undefined when absent) and returns the record to store, `null` to delete, or `undefined` to leave it.
   */
  modify<T>(
    name: string,
    change: (
      current: FunctionRecord | undefined,
    ) =>
      | Promise<{ next: FunctionRecord | null | undefined; result: T }>
      | { next: FunctionRecord | null | undefined; result: T },
  ): Promise<T> {
    return this.mutex.run(name, async () => {
      const { next, result } = await change(this.functions.get(name));
      if (next === null) {
        await fs.rm(join(this.dir, `${name}.json`), { force: true });
        this.functions.delete(name);
      } else if (next) {
        await this.write(join(this.dir, `${name}.json`), JSON.stringify(next));
        this.functions.set(name, next);
      }
      return result;
    });
  }

  /** Every blob a function points at, with who points at it. */
  *references(): Iterable<{ blob: string; owner: string }> {
    for (const f of this.functions.values()) {
      for (const v of [f, ...(f.versions ?? [])]) {
        const who = 'version' in v ? `${f.name}:${v.version}` : f.name;
        yield { blob: v.codeBlob, owner: `function ${who}` };
        for (const l of v.layers) yield { blob: l.blob, owner: `layer ${l.arn} of function ${who}` };
      }
    }
  }
}
