/** A button on an error's notification: runs `command` with `args` (plain data, so pure code can offer it). */
export interface ErrorAction {
  title: string;
  command: string;
  args?: unknown[];
}

/**
 * An error whose message is written for the user: what went wrong and what to do.
 * The command wrapper shows `message` as is, with `actions` as its buttons; anything else is shown with a
 * pointer to the log.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
    readonly actions?: readonly ErrorAction[],
  ) {
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
