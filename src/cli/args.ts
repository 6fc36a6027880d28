import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '../util/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * A subcommand's flags and positionals. On unknown or malformed flags, prints the parser's message and the
 * usage on stderr and returns `undefined`: the command then exits with 2 (bad usage).
 */
export function parseCommandLine<const T extends Options>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options });
  } catch (e) {
    process.stderr.write(`${errorMessage(e)}\n${usage}\n`);
    return undefined;
  }
}

/** Prints the usage on stderr and returns the exit code of bad usage, 2. */
export function usageError(usage: string): number {
  process.stderr.write(`${usage}\n`);
  return 2;
}
