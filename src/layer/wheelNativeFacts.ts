import { promises as fs } from 'node:fs';
import type { ZipArchive } from './archive';
import type { BuildCache } from './buildCache';
import type { LayerFile } from './content';
import { isNativeFacts, type NativeFacts, type NativeFactsStore } from './nativeFacts';

interface WheelFacts {
  path: string;
  /** Entry name in the wheel → its facts. */
  files: Map<string, NativeFacts>;
  changed: boolean;
}

/**
 * The compatibility scan's facts about wheel entries, one cache file per wheel (by its SHA-256): a rebuild never
 * inflates an unchanged wheel's libraries again (a 60 MB library costs ~0.3 s to inflate and parse). A cache
 * file that cannot be read or does not have the expected shape is ignored and written anew.
 */
export class WheelNativeFacts implements NativeFactsStore {
  private constructor(
    private readonly cache: BuildCache,
    private readonly wheels: Map<ZipArchive, WheelFacts>,
  ) {}

  /** Loads what the cache holds for these wheels (marking those files as used). */
  static async load(cache: BuildCache, wheels: { archive: ZipArchive; sha256: string }[]): Promise<WheelNativeFacts> {
    const loaded = await Promise.all(
      wheels.map(async ({ archive, sha256 }) => {
        const path = cache.nativeFactsPath(sha256);
        const files = (await cache.has(path)) ? await readFacts(path) : undefined;
        return [archive, { path, files: files ?? new Map(), changed: false }] as const;
      }),
    );
    return new WheelNativeFacts(cache, new Map(loaded));
  }

  /** The cache files of these wheels, kept when the cache is trimmed. */
  get paths(): string[] {
    return [...this.wheels.values()].map((w) => w.path);
  }

  get(file: LayerFile): NativeFacts | undefined {
    const s = file.source;
    return 'archive' in s ? this.wheels.get(s.archive)?.files.get(s.entry.name) : undefined;
  }

  put(file: LayerFile, facts: NativeFacts): void {
    const s = file.source;
    const wheel = 'archive' in s ? this.wheels.get(s.archive) : undefined;
    if (!wheel || !('entry' in s)) return;
    wheel.files.set(s.entry.name, facts);
    wheel.changed = true;
  }

  /** Writes the wheels that learnt something (each beside its place, then renamed: never a torn file). */
  async save(): Promise<void> {
    for (const wheel of this.wheels.values()) {
      if (!wheel.changed) continue;
      const files = Object.fromEntries([...wheel.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      await this.cache.write(wheel.path, (temp) => fs.writeFile(temp, JSON.stringify({ files })));
      wheel.changed = false;
    }
  }
}

async function readFacts(path: string): Promise<Map<string, NativeFacts> | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(path, 'utf8')) as { files?: unknown };
    if (typeof parsed.files !== 'object' || parsed.files === null) return undefined;
    const entries = Object.entries(parsed.files);
    return entries.every(([, facts]) => isNativeFacts(facts)) ? new Map(entries as [string, NativeFacts][]) : undefined;
  } catch {
    return undefined;
  }
}
