import type { GetLayerVersionResponse } from '@aws-sdk/client-lambda';
import * as l10n from '@vscode/l10n';
import { sha256File } from '../layer/cache';
import { newestVersion, publishLayer, type PublishRequest } from '../ops/publish';
import { UserError, errorMessage, isCancellation, throwIfAborted } from '../util/errors';
import type { Log } from '../util/log';
import type { ProgressSink } from './progress';
import type { RegionPublishResult } from './publish';
import type { Fleet } from './scope';

/** One target's part of aligning a layer's version numbers: where it is and how many versions it must publish. */
export type AlignmentStep =
  | {
      target: string;
      region: string;
      status: 'ok';
      /** Its newest listed version (0: the layer is new there). */
      latest: number;
      /** The newest version already holds this zip. */
      holdsZip: boolean;
      /** Versions to publish to reach the aligned number (the last one is the zip, the others copies of it). */
      publishes: number;
    }
  | { target: string; region: string; status: 'error'; reason: string; error: unknown };

export interface AlignmentPlan {
  layer: string;
  /** The version number every region ends on. */
  version: number;
  steps: AlignmentStep[];
}

export interface AlignOptions {
  signal?: AbortSignal;
  log?: Log;
  onProgress?: ProgressSink;
  onResult?: (r: RegionPublishResult) => void;
  /**
   * Deleted version numbers are never reused and ListLayerVersions does not show them, so a region can land
   * above the planned number; the others then catch up. This bounds the extra publishes per region.
   */
  maxExtra?: number;
}

/**
 * What aligning `request.name` across the fleet would publish: every region ends with this zip at the same
 * version number, the highest a plain publish would reach anywhere. Regions below it publish copies of the
 * zip to catch up (Lambda numbers versions per region and has no way to choose one). Nothing changes here.
 */
export async function planAlignment(
  fleet: Fleet,
  request: Pick<PublishRequest, 'zipPath' | 'name'>,
  options: { signal?: AbortSignal } = {},
): Promise<AlignmentPlan> {
  const sha = Buffer.from(await sha256File(request.zipPath, options.signal), 'hex').toString('base64');
  const steps = await Promise.all(
    fleet.targets.map(async (t): Promise<AlignmentStep> => {
      const at = { target: t.key, region: t.region };
      try {
        const newest = await t.run(() => newestVersion(t.session.gateway, request.name, options.signal));
        return {
          ...at,
          status: 'ok',
          latest: newest?.Version ?? 0,
          holdsZip: newest?.Content?.CodeSha256 === sha,
          publishes: 0,
        };
      } catch (error) {
        if (isCancellation(error)) throw error;
        return { ...at, status: 'error', reason: errorMessage(error), error };
      }
    }),
  );
  const reached = steps.map((s) => (s.status === 'ok' ? (s.holdsZip ? s.latest : s.latest + 1) : 0));
  const version = Math.max(1, ...reached);
  for (const s of steps)
    if (s.status === 'ok') s.publishes = s.holdsZip && s.latest === version ? 0 : version - s.latest;
  return { layer: request.name, version, steps };
}

/**
 * Carries out an alignment plan: each region publishes up to the plan's number (the zip, marked like every
 * publish, `force` so copies are real versions). A region that lands higher (numbers of deleted versions are
 * skipped) raises the goal and the others catch up, within `maxExtra` more publishes each. Cancellation takes
 * effect between publishes (a region's result then says at which version it stopped). A rerun after a failure
 * or cancellation plans again from where each region is, so it only publishes what is still missing.
 */
export async function alignVersions(
  fleet: Fleet,
  request: PublishRequest,
  plan: AlignmentPlan,
  options: AlignOptions = {},
): Promise<RegionPublishResult[]> {
  const forced: PublishRequest = { ...request, force: true };
  const maxExtra = options.maxExtra ?? 10;
  let goal = plan.version;
  const state = new Map<
    string,
    { reached?: GetLayerVersionResponse; published: number; failure?: RegionPublishResult }
  >();
  const runnable = plan.steps.filter((s) => s.status === 'ok');
  for (const s of plan.steps) state.set(s.target, { published: 0 });
  for (const s of plan.steps)
    if (s.status === 'error')
      state.get(s.target)!.failure = {
        target: s.target,
        region: s.region,
        status: 'failed',
        reason: s.reason,
        error: s.error,
      };

  const reach = async (step: Extract<AlignmentStep, { status: 'ok' }>) => {
    const own = state.get(step.target)!;
    const t = fleet.targets.find((x) => x.key === step.target)!;
    const report = options.onProgress ?? (() => {});
    let current = own.reached?.Version ?? step.latest;
    try {
      if (!own.reached && step.holdsZip && current === goal)
        own.reached = await t.run(() => t.session.gateway.getLayerVersion(request.name, current));
      while (current < goal) {
        if (own.published >= step.publishes + maxExtra) {
          throw new UserError(
            l10n.t(
              'Stopped after {0} publishes without reaching version {1}; this region skips deleted version numbers.',
              own.published,
              goal,
            ),
          );
        }
        // Cancellation stops between publishes, never inside one: each version either exists whole and is
        // counted, or was not started, so the result says exactly where the region stands.
        throwIfAborted(options.signal);
        const out = await t.run(
          () => publishLayer(t.session.gateway, forced, { s3: t.session.s3, log: options.log }),
          () => report({ target: t.key, subject: request.name, state: 'queued', why: 'concurrency-limit' }),
        );
        if (out.kind !== 'published') throw new Error('a forced publish published nothing');
        own.published++;
        own.reached = out.layerVersion;
        current = out.layerVersion.Version ?? current;
        report({
          target: t.key,
          subject: request.name,
          state: 'running',
          step: l10n.t('version {0} of {1}', current, goal),
        });
      }
      goal = Math.max(goal, current);
    } catch (e) {
      own.failure = isCancellation(e)
        ? {
            target: t.key,
            region: t.region,
            status: 'cancelled',
            reason: l10n.t('cancelled at version {0} of {1}', current, goal),
          }
        : { target: t.key, region: t.region, status: 'failed', reason: errorMessage(e), error: e };
    }
  };
  // Rounds until no region that is still working is below the goal (a round may raise it).
  for (;;) {
    const behind = runnable.filter(
      (s) => !state.get(s.target)!.failure && (state.get(s.target)!.reached?.Version ?? s.latest) < goal,
    );
    const unread = runnable.filter((s) => !state.get(s.target)!.failure && !state.get(s.target)!.reached);
    if (behind.length === 0 && unread.length === 0) break;
    await Promise.all(
      [...new Set([...behind, ...unread])].map((s) => reach(s as Extract<AlignmentStep, { status: 'ok' }>)),
    );
  }

  return plan.steps.map((s) => {
    const own = state.get(s.target)!;
    const result: RegionPublishResult = own.failure ?? {
      target: s.target,
      region: s.region,
      status: own.published > 0 ? 'published' : 'unchanged',
      layerVersion: own.reached!,
    };
    options.onResult?.(result);
    return result;
  });
}

/** One line of the preview: `eu-west-1: 4 → 7 (3 to publish, 2 of them copies)`. */
export function alignmentLine(step: AlignmentStep, version: number): string {
  if (step.status === 'error') return l10n.t('{0}: cannot be read: {1}', step.target, step.reason);
  if (step.publishes === 0) return l10n.t('{0}: already at {1}', step.target, version);
  return l10n.t(
    '{0}: {1} → {2} ({3} to publish, {4} of them copies)',
    step.target,
    step.latest,
    version,
    step.publishes,
    step.publishes - 1,
  );
}
