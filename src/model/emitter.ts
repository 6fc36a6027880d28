/** The shape of VS Code's `Event<T>`, so the shell can subscribe to the model without adapters. */
export type Event<T> = (listener: (e: T) => void) => { dispose(): void };

/** A minimal typed event emitter. A throwing listener is reported and does not stop the others. */
export class Emitter<T> {
  private listeners = new Set<(e: T) => void>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(e: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(e);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
