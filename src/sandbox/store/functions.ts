import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/fsAtomic';
import { KeyedMutex } from './mutex';
import type { FunctionRecord } from './records';

/** One region's functions: `<dir>/<name>.json`, replaced atomically on every change. */
export class FunctionStore {
  private readonly functions = new Map<string, FunctionRecord>();
  private readonly mutex = new KeyedMutex();

  constructor(private readonly dir: string) {}

  async load(): Promise<FunctionRecord[]> {
    await fs.mkdir(this.dir, { recursive: true });
    for (const file of await fs.readdir(this.dir)) {
      if (file.endsWith('.json') && !file.startsWith('.')) {
        const record = JSON.parse(await fs.readFile(join(this.dir, file), 'utf8')) as FunctionRecord;
        this.functions.set(record.name, record);
      } else {
        await fs.rm(join(this.dir, file), { force: true }); // temp file of an interrupted write
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
    change: (current: FunctionRecord | undefined) => Promise<{ next: FunctionRecord | null | undefined; result: T }> | { next: FunctionRecord | null | undefined; result: T },
  ): Promise<T> {
    return this.mutex.run(name, async () => {
      const { next, result } = await change(this.functions.get(name));
      if (next === null) {
        await fs.rm(join(this.dir, `${name}.json`), { force: true });
        this.functions.delete(name);
      } else if (next) {
        await writeFileAtomic(join(this.dir, `${name}.json`), JSON.stringify(next));
        this.functions.set(name, next);
      }
      return result;
    });
  }

  *allBlobs(): Iterable<string> {
    for (const f of this.functions.values()) {
      yield f.codeBlob;
      for (const l of f.layers) yield l.blob;
    }
  }
}
