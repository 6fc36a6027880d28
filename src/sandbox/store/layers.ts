import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../util/errors';
import { isAtomicTempFile } from '../../util/fsAtomic';
import type { WriteFile } from './diskFull';
import { KeyedMutex } from './mutex';
import { entriesOf, type Quarantine } from './quarantine';
import { LAYER_FOLDER_NAME, VERSION_FILE_NAME, counterProblem, layerVersionProblem } from './recordShape';
import type { LayerVersionRecord } from './records';

interface LayerEntry {
  /** Highest version number ever handed out, deleted ones included: numbers are never reused. */
  last: number;
  versions: Map<number, LayerVersionRecord>;
}

const COUNTER_FILE = 'counter.json';

/**
 * One region's layers: `<dir>/<name>/<version>.json` plus `counter.json`, written only when a
 * version is deleted (the highest surviving file would otherwise let a number come back).
 */
export class LayerStore {
  private readonly layers = new Map<string, LayerEntry>();
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly dir: string,
    private readonly write: WriteFile,
  ) {}

  /**
   * Loads `<name>/<n>.json` and `counter.json`; removes our own temp files, quarantines damaged records and leaves
   * anything else alone. A quarantined version's number stays used (written to counter.json), so a repaired record
   * moved back never collides with a newer version.
   */
  async load(quarantine: Quarantine): Promise<void> {
    for (const folder of await entriesOf(this.dir)) {
      if (!folder.isDirectory() || !LAYER_FOLDER_NAME.test(folder.name)) continue;
      const name = folder.name;
      const layerDir = join(this.dir, name);
      const entry: LayerEntry = { last: 0, versions: new Map() };
      let setAside = false;
      for (const file of await entriesOf(layerDir)) {
        if (!file.isFile()) continue;
        const path = join(layerDir, file.name);
        const m = VERSION_FILE_NAME.exec(file.name);
        if (isAtomicTempFile(file.name)) {
          await fs.rm(path, { force: true }); // an interrupted write
        } else if (file.name === COUNTER_FILE) {
          const counter = await quarantine.read<{ last: number }>(path, counterProblem, false);
          if (counter) entry.last = Math.max(entry.last, counter.last);
          else setAside = true;
        } else if (m) {
          const version = Number(m[1]);
          const record = await quarantine.read<LayerVersionRecord>(path, (v) => layerVersionProblem(v, name, version));
          if (record) entry.versions.set(version, record);
          else setAside = true;
          entry.last = Math.max(entry.last, version);
        }
      }
      this.layers.set(name, entry);
      if (setAside) {
        await this.write(join(layerDir, COUNTER_FILE), JSON.stringify({ last: entry.last })).catch((e: unknown) =>
          quarantine.log.warn(`Could not record the last version number of layer ${name}: ${errorMessage(e)}`),
        );
      }
    }
  }

  /** Assigns the next version number and makes the record durable before it becomes visible. */
  publish(name: string, make: (version: number) => LayerVersionRecord): Promise<LayerVersionRecord> {
    return this.mutex.run(name, async () => {
      const entry = this.layers.get(name) ?? { last: 0, versions: new Map() };
      const record = make(entry.last + 1);
      await this.write(join(this.dir, name, `${record.version}.json`), JSON.stringify(record));
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
    return [...this.layers.entries()]
      .filter(([, e]) => e.versions.size > 0)
      .map(([n]) => n)
      .sort();
  }

  /** Removes a version; returns its record, or undefined when there was none. */
  delete(name: string, version: number): Promise<LayerVersionRecord | undefined> {
    return this.mutex.run(name, async () => {
      const entry = this.layers.get(name);
      const record = entry?.versions.get(version);
      if (!entry || !record) return undefined;
      await this.write(join(this.dir, name, COUNTER_FILE), JSON.stringify({ last: entry.last }));
      await fs.rm(join(this.dir, name, `${version}.json`), { force: true });
      entry.versions.delete(version);
      return record;
    });
  }

  /** Every blob a version points at, with who points at it. */
  *references(): Iterable<{ blob: string; owner: string }> {
    for (const entry of this.layers.values())
      for (const r of entry.versions.values()) yield { blob: r.blob, owner: `layer version ${r.name}:${r.version}` };
  }
}
