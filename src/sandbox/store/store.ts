import { join } from 'node:path';
import { silentLog, type Log } from '../../util/log';
import { ACCOUNT_ID, REGION_NAME } from '../limits';
import { BlobStore } from './blobs';
import { diskAwareWrite, type WriteFile } from './diskFull';
import { FunctionStore } from './functions';
import { LayerStore } from './layers';
import { Quarantine, entriesOf } from './quarantine';
import { LayerPolicyStore } from './policies';
import type { FunctionRecord } from './records';

export interface RegionStore {
  layers: LayerStore;
  functions: FunctionStore;
}

export interface StoreOptions {
  log?: Log;
  /** How files are written (default: atomically); tests inject failures such as a full disk. */
  writeFile?: WriteFile;
}

const ACCOUNT_DIR = /^\d{12}$/;

/**
 * Everything under dataDir: `regions/<region>/{layers,functions}`, layers of other accounts (public or shared
 * layers) in `accounts/<id>/<region>/layers`, content-addressed `blobs/`, the extraction cache `cache/`
 * (derived, safe to delete) and `quarantine/` (damaged records set aside at start).
 */
export class Store {
  readonly blobs: BlobStore;
  readonly cacheDir: string;
  readonly quarantine: Quarantine;
  private readonly log: Log;
  private readonly write: WriteFile;
  /** Layer version policies (`policies/`) and the organizations accounts belong to (`organizations.json`). */
  readonly policies: LayerPolicyStore;
  private readonly regions = new Map<string, RegionStore>();
  /** `<account>/<region>` → that account's layers, for accounts other than ACCOUNT_ID. */
  private readonly otherAccounts = new Map<string, LayerStore>();

  constructor(
    private readonly dataDir: string,
    options: StoreOptions = {},
  ) {
    this.log = options.log ?? silentLog;
    this.write = diskAwareWrite(dataDir, this.log, options.writeFile);
    this.quarantine = new Quarantine(dataDir, this.log);
    this.blobs = new BlobStore(
      join(dataDir, 'blobs'),
      (hex) => this.isReferenced(hex) || this.quarantine.keeps(hex),
      this.write,
    );
    this.cacheDir = join(dataDir, 'cache');
    this.policies = new LayerPolicyStore(join(dataDir, 'policies'), join(dataDir, 'organizations.json'), this.write);
  }

  /**
   * Loads every region, then removes what an interrupted write left behind. Damaged records go to the quarantine
   * and files that are not part of the layout are left alone: the endpoint always starts. Returns all functions,
   * to settle their state.
   */
  async load(): Promise<{ region: string; fn: FunctionRecord }[]> {
    await this.quarantine.scanEarlier();
    const loaded: { region: string; fn: FunctionRecord }[] = [];
    for (const region of await folders(join(this.dataDir, 'regions'), REGION_NAME)) {
      const r = this.create(region);
      await r.layers.load(this.quarantine);
      for (const fn of await r.functions.load(this.quarantine)) loaded.push({ region, fn });
    }
    const accountsDir = join(this.dataDir, 'accounts');
    for (const account of await folders(accountsDir, ACCOUNT_DIR)) {
      for (const region of await folders(join(accountsDir, account), REGION_NAME)) {
        await this.layers(region, account).load(this.quarantine);
      }
    }
    await this.policies.load();
    await this.collectBlobs();
    this.quarantine.summarize();
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
      layers = new LayerStore(join(this.dataDir, 'accounts', account, region, 'layers'), this.write);
      this.otherAccounts.set(key, layers);
    }
    return layers;
  }

  /** Removes unreferenced blobs (sparing the quarantine's) and says which records lost theirs. */
  private async collectBlobs(): Promise<void> {
    const live = new Set([...this.references()].map((r) => r.blob));
    let spared = 0;
    const present = await this.blobs.collect((hex) => {
      if (live.has(hex)) return true;
      if (this.quarantine.keeps(hex)) spared++;
      return this.quarantine.keeps(hex);
    });
    if (spared > 0 && this.quarantine.keepsAll) {
      this.log.warn(
        `Kept ${spared} unreferenced zip(s) in ${this.blobs.dir}: a quarantined record that is not JSON may point at them. ` +
          'They are removed at a start once the damaged records are gone from the quarantine folder.',
      );
    }
    for (const { blob, owner } of this.references()) {
      if (!present.has(blob)) {
        this.log.warn(
          `${owner}: its zip ${blob}.zip is missing from ${this.blobs.dir}. The record is kept; using its code fails until it is uploaded again.`,
        );
      }
    }
  }

  private isReferenced(hex: string): boolean {
    for (const r of this.references()) if (r.blob === hex) return true;
    return false;
  }

  /** Every record's blob with its owner, repeats included. */
  private *references(): Iterable<{ blob: string; owner: string }> {
    for (const [region, r] of this.regions) {
      for (const ref of [...r.layers.references(), ...r.functions.references()])
        yield { ...ref, owner: `${ref.owner} (${region})` };
    }
    for (const [key, layers] of this.otherAccounts) {
      for (const ref of layers.references()) yield { ...ref, owner: `${ref.owner} (${key})` };
    }
  }

  private create(region: string): RegionStore {
    const base = join(this.dataDir, 'regions', region);
    const r = {
      layers: new LayerStore(join(base, 'layers'), this.write),
      functions: new FunctionStore(join(base, 'functions'), this.write),
    };
    this.regions.set(region, r);
    return r;
  }
}

/** Names of the sub-folders of `dir` that match `pattern`; anything else there is not ours and ignored. */
async function folders(dir: string, pattern: RegExp): Promise<string[]> {
  return (await entriesOf(dir)).filter((e) => e.isDirectory() && pattern.test(e.name)).map((e) => e.name);
}
