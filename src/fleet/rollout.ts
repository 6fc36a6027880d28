import * as l10n from '@vscode/l10n';
import { isProbeFunction } from '../invoke/probeName';
import { previewBulkUpdate } from '../ops/bulkUpdate';
import { NotApplicableError, replaceVersion } from '../ops/layerList';
import { mutateFunctionLayers, type MutateProgress } from '../ops/mutateLayers';
import { UserError, errorMessage, isCancellation } from '../util/errors';
import { silentLog, type Log } from '../util/log';
import type { FleetProgress, ProgressSink } from './progress';
import type { Fleet, FleetTarget } from './scope';

export interface RolloutItem {
  target: string;
  region: string;
  function: string;
  from: string;
  to: string;
}

export interface RolloutPlan {
  layer: string;
  /** Every function of the scope on an older version, target by target in scope order, by name within one. */
  items: RolloutItem[];
  /** Targets that could not be planned (layer missing, region not enabled, access denied): not rolled out. */
  errors: Array<{ target: string; region: string; reason: string; error: unknown }>;
}

export type RolloutResult = 'updated' | 'rolled-back' | 'unchanged' | 'failed';

export interface RolloutRow extends RolloutItem {
  result: RolloutResult;
  canary: boolean;
  /** Why, for everything but a plain update. */
  reason?: string;
}

/** Checks a canary after its update (`item.to` is the version it moved to); throws (a `UserError` saying why) when it is broken. */
export type SmokeTest = (target: FleetTarget, item: RolloutItem, signal?: AbortSignal) => Promise<void>;

export interface RolloutOptions {
  /** How many canaries (spread over the targets), or which functions (`name` or `region/name`). Default 1. */
  canary?: number | string[];
  /** Run on each canary after its update; without one a canary only has to update cleanly. */
  smoke?: SmokeTest;
  signal?: AbortSignal;
  log?: Log;
  onProgress?: ProgressSink;
  /** Each function's row as soon as it is final. */
  onRow?: (row: RolloutRow) => void;
  /** Passed to every read-modify-write (tests shorten the waits). */
  maxWaitSeconds?: number;
}

/** Which functions of the scope (not the import probe's) use an older version of `layerName` than their region's newest. */
export async function planRollout(
  fleet: Fleet,
  layerName: string,
  options: { signal?: AbortSignal } = {},
): Promise<RolloutPlan> {
  const plan: RolloutPlan = { layer: layerName, items: [], errors: [] };
  const perTarget = await Promise.all(
    fleet.targets.map(async (t) => {
      try {
        const preview = await t.run(() => previewBulkUpdate(t.session.gateway, layerName, { signal: options.signal }));
        // The import probe's own function is tooling: the smoke test points it at whatever version it checks.
        return preview.items
          .filter((i) => !isProbeFunction(i.function))
          .map((i) => ({ target: t.key, region: t.region, ...i }))
          .sort((a, b) => a.function.localeCompare(b.function));
      } catch (error) {
        if (isCancellation(error)) throw error;
        plan.errors.push({ target: t.key, region: t.region, reason: errorMessage(error), error });
        return [];
      }
    }),
  );
  plan.items = perTarget.flat();
  return plan;
}

/**
 * Moves the plan's functions in waves. The canaries go first; each must update and pass the smoke test.
 * If one fails, every canary that moved is put back on its previous version and nothing else is touched.
 * Then the rest, within each target's bound; the first failure stops new updates (those already running
 * finish). Every move is `mutateFunctionLayers`' RevisionId-guarded read-modify-write replacing exactly
 * `from` with `to`, so a concurrent change to the function is kept, and a function that no longer uses
 * `from` is left alone. Cancellation also stops between functions: what moved stays moved and says so.
 */
export async function runRollout(fleet: Fleet, plan: RolloutPlan, options: RolloutOptions = {}): Promise<RolloutRow[]> {
  const targets = new Map(fleet.targets.map((t) => [t.key, t]));
  const canaries = pickCanaries(plan.items, options.canary ?? 1);
  const rows = new Map<RolloutItem, RolloutRow>();
  const finish = (item: RolloutItem, result: RolloutResult, reason?: string) => {
    const row: RolloutRow = { ...item, result, canary: canaries.has(item), ...(reason ? { reason } : {}) };
    rows.set(item, row);
    options.onRow?.(row);
  };
  const targetOf = (item: RolloutItem) => targets.get(item.target)!;

  // Canary wave.
  const moved: RolloutItem[] = [];
  const failures: string[] = [];
  const pending = new Map<RolloutItem, { result: RolloutResult; reason?: string }>();
  await Promise.all(
    [...canaries].map((item) =>
      queued(targetOf(item), item, options, async () => {
        if (options.signal?.aborted) return pending.set(item, { result: 'unchanged', reason: l10n.t('Cancelled.') });
        let result: RolloutResult;
        try {
          result = await move(targetOf(item), item, item.from, item.to, options);
        } catch (e) {
          const reason = isNotApplicable(e) ? undefined : errorMessage(e);
          if (reason) failures.push(l10n.t('{0} in {1}: {2}', item.function, item.target, reason));
          return pending.set(item, { result: reason ? 'failed' : 'unchanged', reason: reason ?? errorMessage(e) });
        }
        if (result === 'updated') moved.push(item);
        try {
          await options.smoke?.(targetOf(item), item, options.signal);
          pending.set(item, { result });
        } catch (e) {
          const reason = isCancellation(e) ? l10n.t('Cancelled during the smoke test.') : errorMessage(e);
          failures.push(l10n.t('{0} in {1}: {2}', item.function, item.target, reason));
          pending.set(item, { result: 'failed', reason });
        }
      }),
    ),
  );

  if (failures.length > 0) {
    const why = l10n.t('A canary failed: {0}', failures.join('; '));
    await Promise.all(
      moved.map((item) =>
        queued(targetOf(item), item, options, async () => {
          const own = pending.get(item)?.reason;
          try {
            await move(targetOf(item), item, item.to, item.from, options);
            finish(item, 'rolled-back', own ?? why);
          } catch (e) {
            finish(item, 'failed', l10n.t('Could not be put back on {0}: {1}', item.from, errorMessage(e)));
          }
        }),
      ),
    );
    for (const [item, p] of pending) if (!rows.has(item)) finish(item, p.result, p.reason);
    for (const item of plan.items) if (!rows.has(item)) finish(item, 'unchanged', l10n.t('Not started: {0}', why));
    return plan.items.map((i) => rows.get(i)!);
  }
  for (const [item, p] of pending) finish(item, p.result, p.reason);

  // The rest: stop starting new updates after the first failure or a cancellation.
  let stopped: string | undefined;
  await Promise.all(
    plan.items
      .filter((item) => !canaries.has(item))
      .map((item) =>
        queued(targetOf(item), item, options, async () => {
          if (stopped || options.signal?.aborted) return finish(item, 'unchanged', stopped ?? l10n.t('Cancelled.'));
          try {
            finish(item, await move(targetOf(item), item, item.from, item.to, options));
          } catch (e) {
            if (isNotApplicable(e)) return finish(item, 'unchanged', errorMessage(e));
            stopped ??= l10n.t('Not started: {0} in {1} failed.', item.function, item.target);
            finish(item, 'failed', errorMessage(e));
          }
        }),
      ),
  );
  return plan.items.map((i) => rows.get(i)!);
}

/** Invokes the function with `payload`; any FunctionError (unhandled exception, timeout, crash) fails it. */
export function invokeSmokeTest(payload: string): SmokeTest {
  const bytes = new TextEncoder().encode(payload);
  return async (target, { function: functionName }, signal) => {
    const out = await target.session.gateway.invoke(functionName, bytes, { signal });
    if (out.functionError || out.statusCode >= 300) {
      const answer = new TextDecoder().decode(out.payload).slice(0, 300);
      throw new UserError(
        l10n.t('The smoke test failed ({0}): {1}', out.functionError ?? String(out.statusCode), answer),
      );
    }
  };
}

/** The canaries: the named functions, or `count` of them taken from each target in turn. */
export function pickCanaries(items: readonly RolloutItem[], canary: number | string[]): Set<RolloutItem> {
  if (Array.isArray(canary)) {
    return new Set(
      canary.map((name) => {
        const found = items.find(
          (i) => i.function === name || `${i.target}/${i.function}` === name || `${i.region}/${i.function}` === name,
        );
        if (!found) throw new UserError(l10n.t('The canary {0} is not among the functions to roll out.', name));
        return found;
      }),
    );
  }
  const byTarget = new Map<string, RolloutItem[]>();
  for (const i of items) byTarget.set(i.target, [...(byTarget.get(i.target) ?? []), i]);
  const picked = new Set<RolloutItem>();
  for (let round = 0; picked.size < Math.min(canary, items.length); round++) {
    for (const list of byTarget.values()) if (list[round] && picked.size < canary) picked.add(list[round]);
  }
  return picked;
}

/** One RevisionId-guarded move of a function from one version to another: 'updated' or 'unchanged'. */
async function move(
  target: FleetTarget,
  item: RolloutItem,
  from: string,
  to: string,
  options: RolloutOptions,
): Promise<RolloutResult> {
  const report = options.onProgress ?? (() => {});
  // No signal: an update that started finishes and is waited for, so cancellation never leaves it half seen.
  const result = await mutateFunctionLayers(
    target.session.gateway,
    item.function,
    (current) => replaceVersion(current, from, to),
    {
      log: options.log ?? silentLog,
      maxWaitSeconds: options.maxWaitSeconds,
      onProgress: (p) => report(toProgress(item, p)),
    },
  );
  return result.kind;
}

/** Runs `work` in the target's bound, saying when it has to wait for a slot. */
async function queued(
  target: FleetTarget,
  item: RolloutItem,
  options: RolloutOptions,
  work: () => Promise<unknown>,
): Promise<void> {
  const report = options.onProgress ?? (() => {});
  await target.run(work, () =>
    report({ target: item.target, subject: item.function, state: 'queued', why: 'concurrency-limit' }),
  );
}

function toProgress(item: RolloutItem, p: MutateProgress): FleetProgress {
  const at = { target: item.target, subject: item.function };
  if (p.phase === 'retrying') return { ...at, state: 'waiting', why: p.reason };
  if (p.phase === 'waiting') return { ...at, state: 'waiting', why: 'update-settling' };
  if (p.phase === 'done') return { ...at, state: 'done' };
  return { ...at, state: 'running', step: p.phase };
}

function isNotApplicable(e: unknown): boolean {
  return e instanceof NotApplicableError;
}
