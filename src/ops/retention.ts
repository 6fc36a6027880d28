import * as l10n from '@vscode/l10n';
import type { LambdaGateway } from '../aws/types';
import { UserError, errorMessage, isCancellation, throwIfAborted } from '../util/errors';
import { readAliases, userWithAliases } from './aliasUsage';
import { concurrencyLimiter } from '../util/pool';
import { layerArnsOf } from './mutateLayers';
import { functionVersionLabel } from './outcomes';

/** Why a version stays. A version with no reason is a candidate for deletion. */
export type KeepReason =
  { kind: 'newest'; keep: number } | { kind: 'used'; by: string[] } | { kind: 'young'; days: number };

export interface VersionVerdict {
  region: string;
  layerName: string;
  version: number;
  arn: string;
  createdDate?: string;
  keep: KeepReason[];
}

export interface RetentionRules {
  /** How many of the newest versions always stay. */
  keep: number;
  /** Versions younger than this many days stay too. */
  minAgeDays?: number;
}

export interface RetentionPlan extends RetentionRules {
  layerName: string;
  /** One entry per region, versions newest first. */
  regions: { region: string; verdicts: VersionVerdict[] }[];
}

export type PruneStatus = 'deleted' | 'kept' | 'failed' | 'skipped';

export interface PruneOutcome {
  region: string;
  version: number;
  arn: string;
  status: PruneStatus;
  reason: string;
  /** Set when the version was a candidate but became used after the preview (so it stayed). */
  nowUsedBy?: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Checks the rules the way a user typed them; throws a UserError that says what is allowed. */
export function checkRetentionRules(rules: RetentionRules): void {
  if (!Number.isInteger(rules.keep) || rules.keep < 0) {
    throw new UserError(
      l10n.t('The number of versions to keep must be a whole number of 0 or more (got {0}).', String(rules.keep)),
    );
  }
  if (rules.minAgeDays !== undefined && (!Number.isFinite(rules.minAgeDays) || rules.minAgeDays < 0)) {
    throw new UserError(
      l10n.t('The minimum age must be a number of days of 0 or more (got {0}).', String(rules.minAgeDays)),
    );
  }
}

/**
 * Layer version ARN → the function versions ($LATEST and published) that use it, read fresh, each with the
 * aliases routing to it (`f:3 (alias prod)`), so a version an alias still serves is seen as such.
 */
async function layerUsage(gateway: LambdaGateway, signal?: AbortSignal): Promise<Map<string, string[]>> {
  const usage = new Map<string, string[]>();
  const withVersions = new Set<string>();
  for await (const fn of gateway.listFunctionVersions({ signal })) {
    throwIfAborted(signal);
    if (fn.Version && fn.Version !== '$LATEST') withVersions.add(fn.FunctionName ?? '');
    for (const arn of layerArnsOf(fn)) usage.set(arn, [...(usage.get(arn) ?? []), functionVersionLabel(fn)]);
  }
  // A few ListAliases at once: Lambda's control plane allows about 15 calls per second per account and region.
  const { aliases } = await readAliases(gateway, withVersions, { signal, run: concurrencyLimiter(4) });
  for (const [arn, users] of usage)
    usage.set(
      arn,
      users.map((u) => userWithAliases(u, aliases)),
    );
  return usage;
}

/**
 * The preview: per region, every version of `layerName` with the reasons it stays (newest N, used by a
 * function version, younger than D days). Reads only; nothing is deleted.
 */
export async function planRetention(
  gateways: readonly LambdaGateway[],
  layerName: string,
  rules: RetentionRules,
  options: { signal?: AbortSignal; now?: Date } = {},
): Promise<RetentionPlan> {
  checkRetentionRules(rules);
  const now = (options.now ?? new Date()).getTime();
  const regions: RetentionPlan['regions'] = [];
  for (const gateway of gateways) {
    const versions = [];
    for await (const v of gateway.listLayerVersions(layerName, { signal: options.signal })) versions.push(v);
    versions.sort((a, b) => (b.Version ?? 0) - (a.Version ?? 0));
    const usage = versions.length > 0 ? await layerUsage(gateway, options.signal) : new Map<string, string[]>();
    const verdicts = versions.map((v, index): VersionVerdict => {
      const arn = v.LayerVersionArn ?? '';
      const keep: KeepReason[] = [];
      if (index < rules.keep) keep.push({ kind: 'newest', keep: rules.keep });
      const by = usage.get(arn);
      if (by) keep.push({ kind: 'used', by: [...by].sort() });
      if (rules.minAgeDays !== undefined && isYounger(v.CreatedDate, rules.minAgeDays, now))
        keep.push({ kind: 'young', days: rules.minAgeDays });
      return {
        region: gateway.region,
        layerName,
        version: v.Version ?? 0,
        arn,
        ...(v.CreatedDate && { createdDate: v.CreatedDate }),
        keep,
      };
    });
    regions.push({ region: gateway.region, verdicts });
  }
  return {
    layerName,
    keep: rules.keep,
    ...(rules.minAgeDays !== undefined && { minAgeDays: rules.minAgeDays }),
    regions,
  };
}

/** An unreadable date counts as young: when in doubt, keep. */
function isYounger(createdDate: string | undefined, days: number, now: number): boolean {
  const created = createdDate ? Date.parse(createdDate) : NaN;
  return Number.isNaN(created) || now - created < days * DAY_MS;
}

function keepReasonText(reason: KeepReason): string {
  switch (reason.kind) {
    case 'newest':
      return l10n.t('newest {0}', reason.keep);
    case 'used':
      return l10n.t('used by {0}', reason.by.join(', '));
    case 'young':
      return l10n.t('younger than {0} days', reason.days);
  }
}

/** One line of the preview's reason: why it stays, or why it goes. */
function verdictText(verdict: VersionVerdict, rules: RetentionRules): string {
  if (verdict.keep.length > 0) return verdict.keep.map(keepReasonText).join('; ');
  return rules.minAgeDays === undefined
    ? l10n.t('not among the newest {0}, unused', rules.keep)
    : l10n.t('not among the newest {0}, unused, older than {1} days', rules.keep, rules.minAgeDays);
}

/** The plan as outcomes without deleting anything (`--dry-run`, the preview). */
export function planOutcomes(plan: RetentionPlan): PruneOutcome[] {
  return plan.regions.flatMap(({ verdicts }) =>
    verdicts.map(
      (v) =>
        ({
          region: v.region,
          version: v.version,
          arn: v.arn,
          status: v.keep.length > 0 ? 'kept' : 'deleted',
          reason: verdictText(v, plan),
        }) as PruneOutcome,
    ),
  );
}

/**
 * Carries out a confirmed plan. Just before each delete the version's users are read again; a version that
 * became used since the preview stays and says by whom. Versions the plan keeps are reported as kept.
 * Deleting is idempotent (a version already gone is fine), so an interrupted run can simply be repeated.
 * One failure never hides the other versions' results; after cancellation the rest are reported as skipped.
 */
export async function applyRetention(
  gateways: readonly LambdaGateway[],
  plan: RetentionPlan,
  options: { signal?: AbortSignal; onOutcome?: (outcome: PruneOutcome, done: number, total: number) => void } = {},
): Promise<PruneOutcome[]> {
  const outcomes: PruneOutcome[] = [];
  const total = plan.regions.reduce((n, r) => n + r.verdicts.length, 0);
  const record = (o: PruneOutcome) => {
    outcomes.push(o);
    options.onOutcome?.(o, outcomes.length, total);
  };
  for (const { region, verdicts } of plan.regions) {
    const gateway = gateways.find((g) => g.region === region);
    for (const v of verdicts) {
      const base = { region, version: v.version, arn: v.arn };
      if (v.keep.length > 0) {
        record({ ...base, status: 'kept', reason: verdictText(v, plan) });
      } else if (options.signal?.aborted || !gateway) {
        record({
          ...base,
          status: 'skipped',
          reason: gateway ? l10n.t('Cancelled.') : l10n.t('No connection to region {0}.', region),
        });
      } else {
        record(await deleteIfStillUnused(gateway, v, verdictText(v, plan), options.signal));
      }
    }
  }
  return outcomes;
}

async function deleteIfStillUnused(
  gateway: LambdaGateway,
  v: VersionVerdict,
  reason: string,
  signal?: AbortSignal,
): Promise<PruneOutcome> {
  const base = { region: v.region, version: v.version, arn: v.arn };
  try {
    const users = (await layerUsage(gateway, signal)).get(v.arn);
    if (users) {
      const nowUsedBy = [...users].sort();
      return { ...base, status: 'kept', reason: l10n.t('now used by {0}; kept', nowUsedBy.join(', ')), nowUsedBy };
    }
    throwIfAborted(signal);
    await gateway.deleteLayerVersion(v.layerName, v.version);
    return { ...base, status: 'deleted', reason };
  } catch (e) {
    if (isCancellation(e)) return { ...base, status: 'skipped', reason: l10n.t('Cancelled.') };
    return { ...base, status: 'failed', reason: errorMessage(e) };
  }
}
