import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { isAtomicTempFile } from '../../util/fsAtomic';
import type { WriteFile } from './diskFull';
import { KeyedMutex } from './mutex';

/** One statement, spelled the way Lambda returns it in GetLayerVersionPolicy. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  /** `"*"` (everyone, or an organization with the Condition) or `{ AWS: "arn:aws:iam::ID:root" }`. */
  Principal: '*' | { AWS: string };
  Action: string;
  Resource: string;
  Condition?: { StringEquals: { 'aws:PrincipalOrgID': string } };
}

export interface LayerPolicyRecord {
  revisionId: string;
  statements: PolicyStatement[];
}

export interface LayerVersionKey {
  account: string;
  region: string;
  name: string;
  version: number;
}

const VERSION_FILE = /^(\d+)\.json$/;
const DIGITS = /^\d{12}$/;

/**
 * Layer version policies, beside (not inside) the layer records: `<dir>/<account>/<region>/<name>/<version>.json`.
 * A version without statements has no file. Also the organization membership the sandbox assumes, read at start
 * from `organizations.json` in the data folder: `{ "o-a1b2c3d4e5": ["111111111111", ...] }`.
 */
export class LayerPolicyStore {
  private readonly policies = new Map<string, LayerPolicyRecord>();
  private readonly organizationOfAccount = new Map<string, string>();
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly dir: string,
    private readonly organizationsFile: string,
    private readonly write: WriteFile,
  ) {}

  async load(): Promise<void> {
    await this.loadOrganizations();
    for (const account of (await readdir(this.dir)).filter((a) => DIGITS.test(a))) {
      for (const region of await readdir(join(this.dir, account))) {
        for (const name of await readdir(join(this.dir, account, region))) {
          for (const file of await readdir(join(this.dir, account, region, name))) {
            const path = join(this.dir, account, region, name, file);
            const m = VERSION_FILE.exec(file);
            if (!m) {
              if (isAtomicTempFile(file)) await fs.rm(path, { force: true }); // an interrupted write; anything else is left alone
              continue;
            }
            const record = parseRecord(await fs.readFile(path, 'utf8'));
            if (record) this.policies.set(keyOf({ account, region, name, version: Number(m[1]) }), record);
          }
        }
      }
    }
  }

  get(key: LayerVersionKey): LayerPolicyRecord | undefined {
    return this.policies.get(keyOf(key));
  }

  /** The organization `account` belongs to, per organizations.json. */
  organizationOf(account: string): string | undefined {
    return this.organizationOfAccount.get(account);
  }

  /**
   * Read-modify-write of one version's policy, serialised per version. `change` returns the new statements (the
   * revision changes) or throws to refuse; an empty list removes the policy.
   */
  modify(
    key: LayerVersionKey,
    change: (current: LayerPolicyRecord | undefined) => PolicyStatement[],
  ): Promise<LayerPolicyRecord | undefined> {
    const k = keyOf(key);
    return this.mutex.run(k, async () => {
      const statements = change(this.policies.get(k));
      const path = join(this.dir, key.account, key.region, key.name, `${key.version}.json`);
      if (statements.length === 0) {
        await fs.rm(path, { force: true });
        this.policies.delete(k);
        return undefined;
      }
      const record = { revisionId: randomUUID(), statements };
      await this.write(path, JSON.stringify(record));
      this.policies.set(k, record);
      return record;
    });
  }

  /** Drops a deleted version's policy (version numbers are never reused, but the file should not linger). */
  remove(key: LayerVersionKey): Promise<unknown> {
    return this.modify(key, () => []);
  }

  private async loadOrganizations(): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await fs.readFile(this.organizationsFile, 'utf8'));
    } catch {
      return; // absent or unreadable: no account belongs to an organization
    }
    for (const [org, accounts] of Object.entries((parsed ?? {}) as Record<string, unknown>)) {
      if (!Array.isArray(accounts)) continue;
      for (const account of accounts)
        if (typeof account === 'string' && DIGITS.test(account)) this.organizationOfAccount.set(account, org);
    }
  }
}

const keyOf = (k: LayerVersionKey) => `${k.account}/${k.region}/${k.name}/${k.version}`;

async function readdir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch {
    return [];
  }
}

function parseRecord(text: string): LayerPolicyRecord | undefined {
  try {
    const r = JSON.parse(text) as LayerPolicyRecord;
    return typeof r.revisionId === 'string' && Array.isArray(r.statements) ? r : undefined;
  } catch {
    return undefined; // a damaged policy reads as none: the version is then shared with nobody, never with more
  }
}
