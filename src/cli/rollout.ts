import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as l10n from '@vscode/l10n';
import { probeSmokeTest } from '../fleet/probeSmoke';
import {
  invokeSmokeTest,
  planRollout,
  runRollout,
  type RolloutItem,
  type RolloutRow,
  type SmokeTest,
} from '../fleet/rollout';
import type { Fleet } from '../fleet/scope';
import { LOCAL_ROLE_ARN } from '../invoke/roles';
import { checkOutputDir } from '../layer/outputDir';
import { rolloutLine, rolloutTable } from '../fleet/table';
import { CONNECTION_FLAGS, runHeadlessFleet } from '../ops/session';
import { tryParseJson } from '../invoke/result';
import { zipCacheDir } from '../stack/cacheDir';
import { compareVersionChange, comparisonText, distinctVersionChanges } from '../stack/compare';
import { ZipCache } from '../stack/zipCache';
import { UserError, errorMessage, isCancellation } from '../util/errors';
import { writeFileAtomic } from '../util/fsAtomic';
import { consoleLog } from '../util/log';
import { parseCommandLine, profilesFlag, regionsFlag, reportTargetFailure, usageError } from './args';

export const USAGE =
  'usage: rollout LAYER_NAME --regions R1,R2,... [--canary N | --canary F1,F2,...]\n' +
  '               [--smoke-payload JSON | --smoke-probe [--probe-role ARN]]\n' +
  '               [--dry-run] [--output FILE.json|FILE.csv] [--endpoint URL] [--profile P | --profiles P1,P2,...]\n' +
  'A smoke test checks each canary: --smoke-payload invokes it with that event, --smoke-probe imports every package\n' +
  'of the new version on its runtime with the probe function (role: --probe-role; any on a local endpoint).\n' +
  "Moves every function on an older version of the layer to its region's newest, canaries first (default 1),\n" +
  'one line per function: "<region> <function> <from> -> <to> updated|rolled-back|unchanged|failed"\n' +
  '("planned" with --dry-run, followed on stderr by what each version change brings, as `diff` prints it).\n' +
  'A failing canary puts the canaries back and stops; exit 1 if anything failed.';

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    {
      endpoint: CONNECTION_FLAGS.endpoint,
      profile: CONNECTION_FLAGS.profile,
      profiles: { type: 'string' },
      regions: { type: 'string' },
      canary: { type: 'string' },
      'smoke-payload': { type: 'string' },
      'smoke-probe': { type: 'boolean' },
      'probe-role': { type: 'string' },
      'dry-run': { type: 'boolean' },
      output: { type: 'string' },
    },
    USAGE,
  );
  if (!args) return 2;
  const { values, positionals } = args;
  const regions = regionsFlag(values.regions, '').filter(Boolean);
  const profiles = profilesFlag(values);
  if (positionals.length !== 1 || regions.length === 0 || profiles === null) return usageError(USAGE);
  const canary = parseCanary(values.canary);
  if (canary === undefined) return usageError(USAGE);
  const payload = values['smoke-payload'];
  if (payload !== undefined && !tryParseJson(payload).ok) {
    process.stderr.write(
      `${l10n.t('--smoke-payload is not valid JSON. Pass the event as JSON text, e.g. \'{"key": "value"}\'.')}\n`,
    );
    return 2;
  }
  if (payload !== undefined && values['smoke-probe']) return usageError(USAGE);
  const layer = positionals[0];
  if (values.output !== undefined && !values['dry-run']) {
    const problem = await outputFileProblem(values.output);
    if (problem) {
      process.stderr.write(`${l10n.t('error: {0}', problem)}\n`);
      return 2;
    }
  }
  return runHeadlessFleet({ ...values, regions, profiles }, async (fleet, signal) => {
    const smoke = smokeTest(fleet, values);
    const plan = await planRollout(fleet, layer, { signal });
    for (const e of plan.errors) reportTargetFailure(fleet, e, 'failed');
    if (values['dry-run']) {
      for (const item of plan.items) process.stdout.write(`${rolloutLine(item, 'planned')}\n`);
      if (plan.items.length === 0 && plan.errors.length === 0)
        process.stderr.write(`${l10n.t("Every function using {0} is on its region's newest version.", layer)}\n`);
      await printVersionChanges(fleet, plan.items, signal);
      return plan.errors.length ? 1 : 0;
    }
    const rows = await runRollout(fleet, plan, {
      canary,
      smoke,
      signal,
      log: consoleLog,
      onRow: (row) => {
        process.stdout.write(`${rolloutLine(row, row.result)}\n`);
        if (row.reason && row.result !== 'updated') process.stderr.write(`  ${row.function}: ${row.reason}\n`);
      },
    });
    if (values.output)
      await writeFileAtomic(
        values.output,
        rolloutTable(rows, values.output.toLowerCase().endsWith('.csv') ? 'csv' : 'json'),
      );
    process.stderr.write(`${summary(rows)}\n`);
    if (signal.aborted) return 130;
    return plan.errors.length || rows.some((r) => r.result === 'failed' || r.result === 'rolled-back') ? 1 : 0;
  });
}

/** What each planned version change brings, once per target and change (the zips are read through the shared cache). */
async function printVersionChanges(fleet: Fleet, items: readonly RolloutItem[], signal: AbortSignal): Promise<void> {
  const cache = new ZipCache(zipCacheDir());
  for (const target of fleet.targets) {
    for (const change of distinctVersionChanges(items.filter((i) => i.target === target.key))) {
      try {
        const comparison = await target.run(() =>
          compareVersionChange(change, () => target.session.gateway, { cache, signal }),
        );
        process.stderr.write(`\n${comparisonText(comparison)}`);
      } catch (e) {
        if (isCancellation(e)) throw e;
        consoleLog.warn(l10n.t('Cannot compare {0} with {1}: {2}', change.from, change.to, errorMessage(e)));
      }
    }
  }
}

/** The canaries' smoke test from the flags; the probe needs a role on AWS (a local endpoint runs functions without IAM). */
function smokeTest(
  fleet: Fleet,
  values: { 'smoke-payload'?: string; 'smoke-probe'?: boolean; 'probe-role'?: string },
): SmokeTest | undefined {
  if (values['smoke-payload'] !== undefined) return invokeSmokeTest(values['smoke-payload']);
  if (!values['smoke-probe']) return undefined;
  const local = fleet.targets.every((t) => t.session.settings.kind === 'local');
  const role = values['probe-role'] ?? (local ? LOCAL_ROLE_ARN : undefined);
  if (!role)
    throw new UserError(
      l10n.t("--smoke-probe needs the probe function's execution role on AWS: pass --probe-role ARN."),
    );
  return probeSmokeTest(role, consoleLog);
}

/** `--canary 3` (how many) or `--canary fn-a,eu-west-1/fn-b` (which); undefined when malformed. */
function parseCanary(flag: string | undefined): number | string[] | undefined {
  if (flag === undefined) return 1;
  if (/^\d+$/.test(flag.trim())) return Number(flag.trim());
  const names = flag
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return names.length ? names : undefined;
}

function summary(rows: readonly RolloutRow[]): string {
  const count = (result: RolloutRow['result']) => rows.filter((r) => r.result === result).length;
  return l10n.t(
    '{0} updated, {1} rolled back, {2} unchanged, {3} failed.',
    count('updated'),
    count('rolled-back'),
    count('unchanged'),
    count('failed'),
  );
}

/**
 * Why the result table could not be written to `path`, checked before any function moves: written only after
 * the rollout, a failure there would come when the change is already made.
 */
async function outputFileProblem(path: string): Promise<string | undefined> {
  const refusal = (reason: string) =>
    l10n.t('--output {0} cannot be written ({1}). Choose another file.', path, reason);
  if ((await fs.stat(path).catch(() => undefined))?.isDirectory()) return refusal(l10n.t('it is a folder'));
  return checkOutputDir(dirname(resolve(path)), process.platform, undefined, refusal).then(
    () => undefined,
    (e: unknown) => errorMessage(e),
  );
}
