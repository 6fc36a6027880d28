import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/fsAtomic';
import { KeyedMutex } from './mutex';
import type { LayerVersionRecord } from './records';

interface LayerEntry {
  /** Highest version number ever handed out, deleted ones included: numbers are never reused. */
  last: number;
  versions: Map<number, LayerVersionRecord>;
}

const VERSION_FILE = /^(\d+)\.json$/;
const COUNTER_FILE = 'counter.json';

/**
 * One region's layers: `<dir>/<name>/<version>.json` plus `counter.json`, written only when a
 * version is deleted (the highest surviving file would otherwise let a number come back).
 */
export class LayerStore {
  private readonly layers = new Map<string, LayerEntry>();
  private readonly mutex = new KeyedMutex();

  constructor(private readonly dir: string) {}

  async load(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    for (const name of await fs.readdir(this.dir)) {
      const layerDir = join(this.dir, name);
      const entry: LayerEntry = { last: 0, versions: new Map() };
      for (const file of await fs.readdir(layerDir)) {
        const m = VERSION_FILE.exec(file);
        if (file === COUNTER_FILE) {
          entry.last = Math.max(entry.last, (JSON.parse(await fs.readFile(join(layerDir, file), 'utf8')) as { last: number }).last);
        } else if (m) {
          const record = JSON.parse(await fs.readFile(join(layerDir, file), 'utf8')) as LayerVersionRecord;
          entry.versions.set(record.version, record);
          entry.last = Math.max(entry.last, record.version);
        } else {
          await fs.rm(join(layerDir, file), { force: true }); // temp file of an interrupted write
        }
      }
      this.layers.set(name, entry);
    }
  }

  /** Assigns the next version number and makes the record durable before it becomes visible. */
  publish(name: string, make: (version: number) => LayerVersionRecord): Promise<LayerVersionRecord> {
    return this.mutex.run(name, async () => {
      const entry = this.layers.get(name) ?? { last: 0, versions: new Map() };
      const record = make(entry.last + 1);
      await writeFileAtomic(join(this.dir, name, `${record.version}.json`), JSON.stringify(record));
      entry.last = record.version;
      entry.versions.set(record.version, record);
      this.layers.set(name, entry);
      return record;
    });
  }

  get(name: string, version: number): LayerVersionRecord | undefined {
    return this.layers.get(name)?.versions.get(version);
  }

  /** Versions of one layer, newest first. */
  versionsOf(name: string): LayerVersionRecord[] {
    const entry = this.layers.get(name);
    return entry ? [...entry.versions.values()].sort((a, b) => b.version - a.version) : [];
  }

  /** Names of layers that still have a version, sorted. */
  names(): string[] {
    return [...this.layers.entries()].filter(([, e]) => e.versions.size > 0).map(([n]) => n).sort();
  }

  /** Removes a version; returns its record, or undefined when there was none. */
  delete(name: string, version: number): Promise<LayerVersionRecord | undefined> {
    return this.mutex.run(name, async () => {
      const entry = this.layers.get(name);
      const record = entry?.versions.get(version);
      if (!entry || !record) return undefined;
      await writeFileAtomic(join(this.dir, name, COUNTER_FILE), JSON.stringify({ last: entry.last }));
      await fs.rm(join(this.dir, name, `${version}.json`), { force: true });
      entry.versions.delete(version);
      return record;
    });
  }

  *allBlobs(): Iterable<string> {
    for (const entry of this.layers.values()) for (const r of entry.versions.values()) yield r.blob;
  }
}
