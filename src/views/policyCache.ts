import type { Grant, VersionPolicy } from '../ops/sharing';

export type PolicyState =
  { status: 'loading' } | { status: 'loaded'; grants: Grant[] } | { status: 'error'; message: string };

/** What the cache needs to know about the row that shows a policy: the version, and the row to refresh. */
export interface PolicyRow {
  readonly layerName: string;
  readonly version: number;
  readonly arn: string;
}

/**
 * Layer version policies for the explorer, loaded only when a "Shared with" row is expanded (one
 * GetLayerVersionPolicy per version, not one per listed version). `loaded` is told which row to refresh.
 */
export class PolicyCache<R extends PolicyRow> {
  private readonly states = new Map<string, PolicyState>();
  private readonly rows = new Map<string, R>();

  constructor(
    private readonly load: (row: R) => Promise<VersionPolicy>,
    private readonly describe: (error: unknown) => string,
    private readonly loaded: (row: R) => void,
  ) {}

  /** The policy of the row's version; starts loading it on first ask. */
  get(row: R): PolicyState {
    this.rows.set(row.arn, row);
    const known = this.states.get(row.arn);
    if (known) return known;
    const loading: PolicyState = { status: 'loading' };
    this.states.set(row.arn, loading);
    this.load(row).then(
      (policy) => this.settle(row.arn, loading, { status: 'loaded', grants: policy.grants }),
      (e: unknown) => this.settle(row.arn, loading, { status: 'error', message: this.describe(e) }),
    );
    return loading;
  }

  /** Forgets one version's policy (after a change) and refreshes its row, or everything (after a refresh). */
  forget(arn?: string): void {
    if (arn === undefined) {
      this.states.clear();
      this.rows.clear();
      return;
    }
    this.states.delete(arn);
    const row = this.rows.get(arn);
    if (row) this.loaded(row);
  }

  private settle(arn: string, started: PolicyState, state: PolicyState): void {
    if (this.states.get(arn) !== started) return; // forgotten meanwhile: a newer load answers
    this.states.set(arn, state);
    const row = this.rows.get(arn);
    if (row) this.loaded(row);
  }
}
