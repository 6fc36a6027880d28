/**
 * The logging surface pure modules write to. VS Code's LogOutputChannel satisfies it structurally,
 * so the editor passes its channel and tests or the CLI pass `consoleLog` / `silentLog`.
 */
export interface Log {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(error: string | Error, ...args: unknown[]): void;
}

export const silentLog: Log = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Writes to stderr so a CLI's stdout stays machine-readable. */
export const consoleLog: Log = {
  trace() {},
  debug() {},
  info: (m) => process.stderr.write(`${m}\n`),
  warn: (m) => process.stderr.write(`warning: ${m}\n`),
  error: (e) => process.stderr.write(`error: ${e instanceof Error ? e.message : e}\n`),
};
