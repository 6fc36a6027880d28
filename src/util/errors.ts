/**
 * An error whose message is written for the user: what went wrong and what to do.
 * The command wrapper shows `message` as is; anything else is shown with a pointer to the log.
 */
export class UserError extends Error {
  constructor(message: string, readonly detail?: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Thrown (or recognised) when the user or an AbortSignal cancelled the work; never shown as an error. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}

export function isCancellation(e: unknown): boolean {
  return e instanceof CancelledError || (e instanceof Error && e.name === 'AbortError');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
