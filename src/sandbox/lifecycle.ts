import { randomUUID } from 'node:crypto';
import type { Log } from '../util/log';
import type { FunctionStore } from './store/functions';

/**
 * Moves a function from Pending to Active, or an update from InProgress to Successful, after a delay,
 * like Lambda's asynchronous create/update. Each step gets a new RevisionId.
 */
export class Lifecycle {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly delayMs: number,
    private readonly log: Log,
  ) {}

  /** Settles `name` later unless it changed meanwhile (its RevisionId moved on). */
  schedule(functions: FunctionStore, name: string, revisionId: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const work = functions
        .modify(name, (current) => {
          if (!current || current.revisionId !== revisionId) return { next: undefined, result: undefined };
          return {
            next: {
              ...current,
              state: 'Active' as const,
              lastUpdateStatus: 'Successful' as const,
              revisionId: randomUUID(),
            },
            result: undefined,
          };
        })
        .catch((e: unknown) => this.log.error(e instanceof Error ? e : String(e)));
      this.running.add(work);
      void work.finally(() => this.running.delete(work));
    }, this.delayMs);
    this.timers.add(timer);
  }

  /** Stops pending transitions; whatever stays Pending/InProgress on disk settles at the next start. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.running]);
  }
}
