import type { GetLayerVersionResponse } from '@aws-sdk/client-lambda';
import * as l10n from '@vscode/l10n';
import { publishLayer, type PublishRequest } from '../ops/publish';
import { errorMessage, isCancellation } from '../util/errors';
import type { Log } from '../util/log';
import type { ProgressSink } from './progress';
import type { Fleet, FleetTarget } from './scope';

export type RegionPublishResult =
  | { target: string; region: string; status: 'published' | 'unchanged'; layerVersion: GetLayerVersionResponse }
  | { target: string; region: string; status: 'failed' | 'cancelled'; reason: string; error?: unknown };

export interface FleetPublishOptions {
  signal?: AbortSignal;
  log?: Log;
  onProgress?: ProgressSink;
  /** Each region's result as soon as it is known (results also come back together at the end). */
  onResult?: (r: RegionPublishResult) => void;
}

/**
 * Publishes one built zip to every target of the fleet, in parallel within each target's bound.
 * Idempotent and so resumable: `publishLayer` reuses a region's newest version when it already holds this
 * zip and metadata (`unchanged`), so a rerun after a partial failure only publishes where it failed. The
 * description records the zip's hash and this tool's version (ops/marker.ts) so other tools recognise it.
 * One region failing never stops the others; its error is its result.
 */
export async function publishToFleet(
  fleet: Fleet,
  request: PublishRequest,
  options: FleetPublishOptions = {},
): Promise<RegionPublishResult[]> {
  return Promise.all(fleet.targets.map((t) => publishToTarget(t, request, options)));
}

async function publishToTarget(
  target: FleetTarget,
  request: PublishRequest,
  options: FleetPublishOptions,
): Promise<RegionPublishResult> {
  const report = options.onProgress ?? (() => {});
  const base = { target: target.key, region: target.region };
  const subject = request.name;
  let result: RegionPublishResult;
  try {
    result = await target.run(
      async () => {
        if (options.signal?.aborted) return { ...base, status: 'cancelled' as const, reason: l10n.t('Cancelled.') };
        const { gateway, s3 } = target.session;
        const out = await publishLayer(gateway, request, {
          s3,
          signal: options.signal,
          log: options.log,
          onProgress: (p) => report({ target: target.key, subject, state: 'running', step: p.phase }),
        });
        return out.kind === 'published'
          ? { ...base, status: 'published' as const, layerVersion: out.layerVersion }
          : { ...base, status: 'unchanged' as const, layerVersion: out.existing };
      },
      () => report({ target: target.key, subject, state: 'queued', why: 'concurrency-limit' }),
    );
  } catch (e) {
    result = isCancellation(e)
      ? { ...base, status: 'cancelled', reason: l10n.t('Cancelled.') }
      : { ...base, status: 'failed', reason: errorMessage(e), error: e };
  }
  report({ target: target.key, subject, state: result.status === 'failed' ? 'failed' : 'done' });
  options.onResult?.(result);
  return result;
}
