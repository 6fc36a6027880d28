import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import * as l10n from '@vscode/l10n';
import { classifyAwsError } from '../aws/errors';
import type { LambdaGateway } from '../aws/types';
import { CancelledError, UserError, errorMessage, isCancellation, throwIfAborted } from '../util/errors';
import { silentLog, type Log } from '../util/log';
import { assertLayerLimit, sameLayerList } from './layerList';

/** Our change, as a function of the function's current layer list, so it can be re-applied to a fresher list. */
export type LayerChange = (current: readonly string[], configuration: FunctionConfiguration) => string[];

export type MutateProgress =
  | { phase: 'reading'; attempt: number }
  | { phase: 'updating'; attempt: number; layers: string[] }
  | { phase: 'retrying'; reason: 'revision-changed' | 'update-in-progress'; attempt: number }
  | { phase: 'waiting'; elapsedMs: number }
  | { phase: 'done'; layers: string[] };

export interface MutateOptions {
  signal?: AbortSignal;
  log?: Log;
  onProgress?: (p: MutateProgress) => void;
  /** How many read-modify-write rounds may be lost to concurrent writers (412) before giving up. */
  maxRevisionRetries?: number;
  /** Total time we wait out other updates of the function (409) before giving up. */
  maxConflictWaitMs?: number;
  /** First backoff after a 409; doubles per conflict, with jitter, capped at 5 s. */
  conflictBackoffMs?: number;
  /** Upper bound for the final wait until LastUpdateStatus is Successful. */
  maxWaitSeconds?: number;
}

export type MutateResult =
  | {
      kind: 'updated';
      before: string[];
      after: string[];
      configuration: FunctionConfiguration;
      /**
       * Cancelled after Lambda accepted the change, while it was still applying it: the change stands (a
       * cancel cannot take it back), `configuration` is Lambda's answer to the update, not the final state.
       */
      cancelledWhileApplying?: true;
    }
  | { kind: 'unchanged'; layers: string[]; configuration: FunctionConfiguration };

const DEFAULTS = { maxRevisionRetries: 5, maxConflictWaitMs: 120_000, conflictBackoffMs: 250, maxWaitSeconds: 300 };
const MAX_BACKOFF_MS = 5_000;

export function layerArnsOf(configuration: FunctionConfiguration): string[] {
  return (configuration.Layers ?? []).flatMap((l) => (l.Arn ? [l.Arn] : []));
}

/**
 * Applies `change` to the function's layers as an optimistic read-modify-write guarded by RevisionId,
 * then waits until Lambda reports the update Successful.
 *
 * This loop is application-level concurrency control, not a transport retry (the SDK already retries
 * throttling and 5xx on every call):
 *  - 412 PreconditionFailed: someone else changed the function after our read. Re-read and re-apply only
 *    our change to their result, at most `maxRevisionRetries` times.
 *  - 409 ResourceConflict: an update is still in progress. Wait for it (SDK waiter) plus a jittered
 *    backoff, within `maxConflictWaitMs` in total, then re-read.
 */
export async function mutateFunctionLayers(
  gateway: LambdaGateway,
  functionName: string,
  change: LayerChange,
  options: MutateOptions = {},
): Promise<MutateResult> {
  // Field by field, so an option passed as undefined still gets its default.
  const o = {
    signal: options.signal,
    maxRevisionRetries: options.maxRevisionRetries ?? DEFAULTS.maxRevisionRetries,
    maxConflictWaitMs: options.maxConflictWaitMs ?? DEFAULTS.maxConflictWaitMs,
    conflictBackoffMs: options.conflictBackoffMs ?? DEFAULTS.conflictBackoffMs,
    maxWaitSeconds: options.maxWaitSeconds ?? DEFAULTS.maxWaitSeconds,
  };
  const log = options.log ?? silentLog;
  const report = options.onProgress ?? (() => {});
  const conflictDeadline = Date.now() + o.maxConflictWaitMs;
  let revisionRetries = 0;
  let conflicts = 0;

  for (let attempt = 1; ; attempt++) {
    throwIfAborted(o.signal);
    report({ phase: 'reading', attempt });
    const config = await gateway.getFunctionConfiguration(functionName);
    const before = layerArnsOf(config);
    const after = change(before, config);
    if (sameLayerList(before, after)) {
      report({ phase: 'done', layers: before });
      return { kind: 'unchanged', layers: before, configuration: config };
    }
    assertLayerLimit(after);

    // The last point where a cancel changes nothing; once sent, the outcome is reported whatever happens.
    throwIfAborted(o.signal);
    report({ phase: 'updating', attempt, layers: after });
    let sent: FunctionConfiguration;
    try {
      sent = await gateway.updateFunctionLayers(functionName, after, config.RevisionId);
    } catch (e) {
      const kind = classifyAwsError(e);
      if (kind === 'preconditionFailed' && revisionRetries < o.maxRevisionRetries) {
        revisionRetries++;
        log.info(
          `${functionName}: changed by someone else since our read; re-applying our change (${revisionRetries}/${o.maxRevisionRetries})`,
        );
        report({ phase: 'retrying', reason: 'revision-changed', attempt });
        continue;
      }
      if (kind === 'preconditionFailed') {
        throw new UserError(
          l10n.t('{0} kept changing while we tried to update its layers. Try again.', functionName),
          errorMessage(e),
        );
      }
      if (kind === 'conflict' && Date.now() < conflictDeadline) {
        conflicts++;
        log.info(`${functionName}: another update is in progress; waiting before retrying (${conflicts})`);
        report({ phase: 'retrying', reason: 'update-in-progress', attempt });
        await waitOutOtherUpdate(
          gateway,
          functionName,
          conflicts,
          conflictDeadline,
          o.conflictBackoffMs,
          log,
          o.signal,
        );
        continue;
      }
      if (kind === 'conflict') {
        throw new UserError(
          l10n.t('{0} is still being updated by something else. Try again in a minute.', functionName),
          errorMessage(e),
        );
      }
      throw e;
    }

    const configuration = await waitUntilUpdated(gateway, functionName, o.maxWaitSeconds, report, o.signal);
    report({ phase: 'done', layers: after });
    if (!configuration) {
      log.info(`${functionName}: cancelled while Lambda was applying the new layers; the change was already accepted`);
      return { kind: 'updated', before, after, configuration: sent, cancelledWhileApplying: true };
    }
    return { kind: 'updated', before, after, configuration };
  }
}

/** Lets another writer's update finish: the SDK waiter, then a jittered exponential pause, never past `deadline`. */
async function waitOutOtherUpdate(
  gateway: LambdaGateway,
  name: string,
  conflicts: number,
  deadline: number,
  baseMs: number,
  log: Log,
  signal?: AbortSignal,
): Promise<void> {
  const remainingS = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
  try {
    await gateway.waitForFunctionUpdated(name, { signal, maxWaitSeconds: remainingS });
  } catch (e) {
    if (isCancellation(e) || signal?.aborted) throw new CancelledError();
    // Their update failing or outlasting the waiter is not our failure: we re-read and decide afresh.
    log.debug(`${name}: waiting for the other update ended with: ${errorMessage(e)}`);
  }
  const backoff = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (conflicts - 1));
  const jittered = backoff / 2 + Math.random() * (backoff / 2);
  await pause(Math.min(jittered, Math.max(0, deadline - Date.now())), signal);
}

/** The configuration once the update is Successful; undefined when the wait was cancelled. */
async function waitUntilUpdated(
  gateway: LambdaGateway,
  name: string,
  maxWaitSeconds: number,
  report: (p: MutateProgress) => void,
  signal?: AbortSignal,
): Promise<FunctionConfiguration | undefined> {
  const started = Date.now();
  report({ phase: 'waiting', elapsedMs: 0 });
  const ticker = setInterval(() => report({ phase: 'waiting', elapsedMs: Date.now() - started }), 1000);
  ticker.unref();
  let configuration: FunctionConfiguration;
  try {
    // The gateway's waiter throws a UserError with LastUpdateStatusReason when the update ends Failed.
    configuration = await gateway.waitForFunctionUpdated(name, { signal, maxWaitSeconds });
  } catch (e) {
    if (isCancellation(e) || signal?.aborted) return undefined;
    throw e;
  } finally {
    clearInterval(ticker);
  }
  if (configuration.LastUpdateStatus === 'Failed') throw failedUpdate(name, configuration);
  return configuration;
}

function failedUpdate(name: string, c: FunctionConfiguration): UserError {
  const reason = c.LastUpdateStatusReason ?? c.LastUpdateStatusReasonCode ?? 'unknown reason';
  return new UserError(l10n.t('Lambda could not apply the new layers to {0}: {1}', name, reason));
}

async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (e) {
    if (isCancellation(e)) throw new CancelledError();
    throw e;
  }
}
