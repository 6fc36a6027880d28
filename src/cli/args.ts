import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as l10n from '@vscode/l10n';
import { toUserError } from '../aws/errors';
import type { Fleet } from '../fleet/scope';
import { detailLine } from '../ops/session';
import { errorMessage } from '../util/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * A subcommand's flags and positionals. On unknown or malformed flags, or a one-value flag given more than once
 * (`--account A --account B` would otherwise act on B alone), prints the message and the usage on stderr and
 * returns `undefined`: the command then exits with 2 (bad usage).
 */
export function parseCommandLine<const T extends Options>(argv: string[], options: T, usage: string) {
  try {
    const { values, positionals, tokens } = parseArgs({ args: argv, allowPositionals: true, options, tokens: true });
    for (const [name, option] of Object.entries(options)) {
      if (option.type !== 'string' || option.multiple) continue;
      const given = tokens.flatMap((t) => (t.kind === 'option' && t.name === name ? [t.value ?? ''] : []));
      if (given.length > 1)
        throw new Error(
          l10n.t(
            '--{0} was given {1} times ({2}); it takes one value. Give it once.',
            name,
            given.length,
            given.join(', '),
          ),
        );
    }
    return { values, positionals };
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

/**
 * A number of 0 or more from a flag (a whole one when `whole`), or `undefined` when the flag is absent. Anything
 * else is bad usage: said on stderr with the flag and the value, and `null` returned.
 */
export function countFlag(value: string | undefined, flag: string, whole: boolean): number | undefined | null {
  if (value === undefined) return undefined;
  if ((whole ? /^\d+$/ : /^\d+(\.\d+)?$/).test(value.trim())) return Number(value);
  const message = whole
    ? l10n.t('{0} must be a whole number of 0 or more, not "{1}".', flag, value)
    : l10n.t('{0} must be a number of 0 or more, not "{1}".', flag, value);
  process.stderr.write(`${l10n.t('error: {0}', message)}\n`);
  return null;
}

/** `--regions r1,r2`: the listed regions, trimmed, without repeats; `fallback` when the flag is absent. */
export function regionsFlag(value: string | undefined, fallback: string): string[] {
  const regions = (value ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  return regions.length > 0 ? [...new Set(regions)] : [fallback];
}

/**
 * `--profiles p1,p2`: the profiles (accounts) a fleet command spans, without repeats; undefined when absent.
 * Bad usage (`null`) when it names none or comes with `--profile`.
 */
export function profilesFlag(values: { profiles?: string; profile?: string }): string[] | undefined | null {
  if (values.profiles === undefined) return undefined;
  const profiles = [
    ...new Set(
      values.profiles
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ];
  return profiles.length === 0 || values.profile !== undefined ? null : profiles;
}

/** A fleet command's line for a target that failed: `<target> - failed` on stdout, the reason on stderr. */
export function reportTargetFailure(
  fleet: Fleet,
  r: { target: string; reason: string; error?: unknown },
  status: string,
): void {
  process.stdout.write(`${r.target} - ${status}\n`);
  const settings = fleet.targets.find((t) => t.key === r.target)?.session.settings;
  const shown = r.error === undefined ? undefined : toUserError(r.error, { connection: settings, headless: true });
  process.stderr.write(`${l10n.t('{0}: {1}', r.target, shown?.message ?? r.reason)}\n`);
  // What the SDK said, as for a failure of the whole command (e.g. which credential source failed and why).
  if (shown && 'detail' in shown && shown.detail) process.stderr.write(`  (${detailLine(shown.detail)})\n`);
}
