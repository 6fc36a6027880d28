import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT_ID, REGION_NAME } from '../limits';
import { BlobStore } from './blobs';
import { FunctionStore } from './functions';
import { LayerStore } from './layers';
import type { FunctionRecord } from './records';

export interface RegionStore {
  layers: LayerStore;
  functions: FunctionStore;
}

const ACCOUNT_DIR = /^\d{12}$/;

/**
 * Everything under dataDir: `regions/<region>/{layers,functions}`, layers of other accounts (public or shared
 * layers) in `accounts/<id>/<region>/layers`, content-addressed `blobs/` and the extraction cache `cache/`
 * (derived, safe to delete).
 */
export class Store {
  readonly blobs: BlobStore;
  readonly cacheDir: string;
  private readonly regions = new Map<string, RegionStore>();
  /** `<account>/<region>` → that account's layers, for accounts other than ACCOUNT_ID. */
  private readonly otherAccounts = new Map<string, LayerStore>();

  constructor(private readonly dataDir: string) {
    this.blobs = new BlobStore(join(dataDir, 'blobs'), (hex) => this.isReferenced(hex));
    this.cacheDir = join(dataDir, 'cache');
  }

  /** Loads every region, then removes what an interrupted write left behind. Returns all functions, to settle their state. */
  async load(): Promise<{ region: string; fn: FunctionRecord }[]> {
    const regionsDir = join(this.dataDir, 'regions');
    await fs.mkdir(regionsDir, { recursive: true });
    const loaded: { region: string; fn: FunctionRecord }[] = [];
    for (const region of await fs.readdir(regionsDir)) {
      if (!REGION_NAME.test(region)) continue;
      const r = this.create(region);
      await r.layers.load();
      for (const fn of await r.functions.load()) loaded.push({ region, fn });
    }
    const accountsDir = join(this.dataDir, 'accounts');
    await fs.mkdir(accountsDir, { recursive: true });
    for (const account of (await fs.readdir(accountsDir)).filter((a) => ACCOUNT_DIR.test(a))) {
      for (const region of (await fs.readdir(join(accountsDir, account))).filter((r) => REGION_NAME.test(r))) {
        await this.layers(region, account).load();
      }
    }
    await this.blobs.collect(new Set(this.allBlobs()));
    return loaded;
  }

  region(region: string): RegionStore {
    return this.regions.get(region) ?? this.create(region);
  }

  /** The layers `account` owns in `region`. */
  layers(region: string, account = ACCOUNT_ID): LayerStore {
    if (account === ACCOUNT_ID) return this.region(region).layers;
    const key = `${account}/${region}`;
    let layers = this.otherAccounts.get(key);
    if (!layers) {
      layers = new LayerStore(join(this.dataDir, 'accounts', account, region, 'layers'));
      this.otherAccounts.set(key, layers);
    }
    return layers;
  }

  private isReferenced(hex: string): boolean {
    for (const b of this.allBlobs()) if (b === hex) return true;
    return false;
  }

  /** The blob of every record, repeats included. */
  private *allBlobs(): Iterable<string> {
    for (const r of this.regions.values()) {
      yield* r.layers.allBlobs();
      yield* r.functions.allBlobs();
    }
    for (const layers of this.otherAccounts.values()) yield* layers.allBlobs();
  }

  private create(region: string): RegionStore {
    const base = join(this.dataDir, 'regions', region);
    const r = { layers: new LayerStore(join(base, 'layers')), functions: new FunctionStore(join(base, 'functions')) };
    this.regions.set(region, r);
    return r;
  }
}
