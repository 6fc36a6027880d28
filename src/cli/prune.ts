import * as l10n from '@vscode/l10n';
import { applyRetention, planOutcomes, planRetention, type PruneOutcome } from '../ops/retention';
import { CONNECTION_FLAGS, runHeadlessFleet } from '../ops/session';
import { countFlag, parseCommandLine, regionsFlag, usageError } from './args';

export const USAGE =
  'usage: prune LAYER_NAME --keep N [--min-age-days D] [--regions r1,r2] [--dry-run] [--endpoint URL] [--region R] [--profile P]\n' +
  '  Deletes the versions of LAYER_NAME that are not among the newest N, not used by any function version ($LATEST or\n' +
  '  published) and, with --min-age-days, older than D days. Prints one line per version:\n' +
  '  <region> <version> deleted|kept|failed|skipped (<reason>); with --dry-run "would-delete" instead of deleted, and nothing changes.\n' +
  '  Each version is checked again just before it is deleted; a partial run can simply be repeated.';

const FLAGS = {
  ...CONNECTION_FLAGS,
  keep: { type: 'string' },
  'min-age-days': { type: 'string' },
  regions: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

/** `prune LAYER --keep N`: exit 0 when every candidate was deleted or kept for a reason, 1 when a delete failed. */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, FLAGS, USAGE);
  if (!args) return 2;
  const [layerName, ...extra] = args.positionals;
  const keep = countFlag(args.values.keep, '--keep', true);
  const minAgeDays = countFlag(args.values['min-age-days'], '--min-age-days', false);
  if (keep === null || minAgeDays === null) return 2;
  const regions = regionsFlag(args.values.regions, '').filter(Boolean);
  // `--regions ,` names no region: bad usage, not a run in the default region.
  if (!layerName || extra.length > 0 || keep === undefined || (args.values.regions !== undefined && !regions.length))
    return usageError(USAGE);
  const rules = { keep, ...(minAgeDays !== undefined && { minAgeDays }) };
  let failed = false;
  const code = await runHeadlessFleet({ ...args.values, regions }, async (fleet, signal) => {
    const gateways = fleet.targets.map((t) => t.session.gateway);
    const plan = await planRetention(gateways, layerName, rules, { signal });
    // One line per version: none means the layer has no versions there (ListLayerVersions does not 404), often a typo.
    const noVersions = () =>
      process.stderr.write(
        `${l10n.t('{0} has no versions in {1}: nothing to prune. Check the layer name and the region.', layerName, [...new Set(fleet.targets.map((t) => t.region))].join(', '))}\n`,
      );
    if (args.values['dry-run']) {
      const outcomes = planOutcomes(plan);
      for (const o of outcomes) print({ ...o, status: o.status === 'deleted' ? 'would-delete' : o.status });
      if (outcomes.length === 0) noVersions();
      return 0;
    }
    const outcomes = await applyRetention(gateways, plan, { signal, onOutcome: print });
    if (outcomes.length === 0) noVersions();
    failed = outcomes.some((o) => o.status === 'failed');
    return 0;
  });
  return code === 0 && failed ? 1 : code;
}

function print(o: Omit<PruneOutcome, 'status'> & { status: string }): void {
  process.stdout.write(`${o.region} ${o.version} ${o.status} (${o.reason})\n`);
}
