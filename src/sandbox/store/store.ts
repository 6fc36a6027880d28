import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { BlobStore } from './blobs';
import { FunctionStore } from './functions';
import { LayerStore } from './layers';
import type { FunctionRecord } from './records';

export interface RegionStore {
  region: string;
  layers: LayerStore;
  functions: FunctionStore;
}

const REGION_DIR = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * Everything under dataDir: `regions/<region>/{layers,functions}`, content-addressed `blobs/`
 * and the extraction cache `cache/` (derived, safe to delete).
 */
export class Store {
  readonly blobs: BlobStore;
  readonly cacheDir: string;
  private readonly regions = new Map<string, RegionStore>();

  constructor(private readonly dataDir: string) {
    this.blobs = new BlobStore(join(dataDir, 'blobs'));
    this.cacheDir = join(dataDir, 'cache');
  }

  /** Loads every region, then removes what an interrupted write left behind. Returns all functions, to settle their state. */
  async load(): Promise<{ region: string; fn: FunctionRecord }[]> {
    const regionsDir = join(this.dataDir, 'regions');
    await fs.mkdir(regionsDir, { recursive: true });
    const loaded: { region: string; fn: FunctionRecord }[] = [];
    for (const region of await fs.readdir(regionsDir)) {
      if (!REGION_DIR.test(region)) continue;
      const r = this.create(region);
      await r.layers.load();
      for (const fn of await r.functions.load()) loaded.push({ region, fn });
    }
    await this.blobs.collect(this.referencedBlobs());
    return loaded;
  }

  region(region: string): RegionStore {
    return this.regions.get(region) ?? this.create(region);
  }

  isReferenced = (hex: string): boolean => this.referencedBlobs().has(hex);

  private referencedBlobs(): Set<string> {
    const set = new Set<string>();
    for (const r of this.regions.values()) {
      for (const b of r.layers.allBlobs()) set.add(b);
      for (const b of r.functions.allBlobs()) set.add(b);
    }
    return set;
  }

  private create(region: string): RegionStore {
    const base = join(this.dataDir, 'regions', region);
    const r = { region, layers: new LayerStore(join(base, 'layers')), functions: new FunctionStore(join(base, 'functions')) };
    this.regions.set(region, r);
    return r;
  }
}
