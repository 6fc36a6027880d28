import { Environment, type EnvironmentSpec, type InvocationInput, type InvocationResult } from './environment';

export interface PoolOptions {
  /** Live environments at most (busy and idle together). */
  maxEnvironments: number;
  /** An environment idle this long is retired. */
  idleMs: number;
}

/** Lambda keeps idle environments for minutes; locally a few minutes keep a test loop warm without hoarding processes. */
export const DEFAULT_POOL: PoolOptions = { maxEnvironments: 16, idleMs: 5 * 60_000 };

/** Every environment is busy and the pool is full: the caller answers as Lambda does past its concurrency limit. */
export class PoolFullError extends Error {
  constructor(readonly limit: number) {
    super(`all ${limit} local execution environments are busy`);
  }
}

interface Entry {
  env: Environment;
  /** The function version it belongs to (the caller's id), for retiring it when that changes. */
  fn: string;
  /** The function version and configuration it runs. */
  key: string;
  idleTimer?: NodeJS.Timeout;
  lastUsed: number;
}

/**
 * Warm execution environments, as Lambda keeps them: an invocation takes an idle environment of the same
 * function version and configuration (`key`), else starts one; concurrent invocations get separate ones. An
 * environment whose function changed (another key is invoked for it) is retired, at once when idle or when its
 * invocation returns; so is one idle for `idleMs`, and one that died (timeout, crash, out of memory). Closing the
 * pool kills every environment.
 */
export class EnvironmentPool {
  private readonly entries = new Map<Environment, Entry>();
  /** Environments being started, counted against the limit before they exist. */
  private starting = 0;
  /** The key most recently invoked per function version: environments of any other key are stale. */
  private readonly latest = new Map<string, string>();
  private closed = false;

  constructor(private readonly options: PoolOptions = DEFAULT_POOL) {}

  /** Runs one invocation in a warm environment of `key`, or a new one made from `spec()` (called only then). */
  async invoke(
    fn: string,
    key: string,
    spec: () => Promise<EnvironmentSpec>,
    input: InvocationInput,
  ): Promise<InvocationResult> {
    if (this.closed) throw new Error('internal: the environment pool is closed');
    if (this.latest.get(fn) !== key) {
      this.latest.set(fn, key);
      for (const e of this.entries.values()) if (e.fn === fn && e.key !== key && !e.env.busy) void this.retire(e);
    }
    const entry = this.takeIdle(key) ?? (await this.create(fn, key, spec));
    try {
      return await entry.env.invoke(input);
    } finally {
      this.release(entry);
    }
  }

  /** Live environments (busy or idle), for tests and the log. */
  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.entries.values()].map((e) => this.retire(e)));
  }

  private takeIdle(key: string): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.entries.values()) {
      // The most recently used one: the others may then idle out, as Lambda lets surplus environments go.
      if (e.key === key && !e.env.busy && !e.env.retired && (!best || e.lastUsed > best.lastUsed)) best = e;
    }
    if (best) clearTimeout(best.idleTimer);
    return best;
  }

  private async create(fn: string, key: string, spec: () => Promise<EnvironmentSpec>): Promise<Entry> {
    if (this.entries.size + this.starting >= this.options.maxEnvironments) {
      const lru = [...this.entries.values()].filter((e) => !e.env.busy).sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (!lru) throw new PoolFullError(this.options.maxEnvironments);
      void this.retire(lru);
    }
    this.starting++;
    try {
      const env = await Environment.start(await spec(), (dead) => this.entries.delete(dead));
      const entry: Entry = { env, fn, key, lastUsed: Date.now() };
      if (this.closed) {
        await env.retire();
        throw new Error('internal: the environment pool is closed');
      }
      this.entries.set(env, entry);
      return entry;
    } finally {
      this.starting--;
    }
  }

  private release(entry: Entry): void {
    entry.lastUsed = Date.now();
    if (entry.env.retired) return;
    if (this.closed || this.latest.get(entry.fn) !== entry.key) {
      void this.retire(entry);
      return;
    }
    entry.idleTimer = setTimeout(() => void this.retire(entry), this.options.idleMs);
    entry.idleTimer.unref();
  }

  private retire(entry: Entry): Promise<void> {
    clearTimeout(entry.idleTimer);
    this.entries.delete(entry.env);
    return entry.env.retire();
  }
}
