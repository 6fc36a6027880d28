import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import * as l10n from '@vscode/l10n';
import type { LambdaGateway } from '../aws/types';
import { errorMessage, isCancellation } from '../util/errors';
import { NotApplicableError } from './layerList';

/** What happened to one function in a many-function operation. */
export type FunctionOutcome =
  | { function: string; status: 'ok'; before: string[]; after: string[]; warnings: string[] }
  | { function: string; status: 'skipped'; reason: string; warnings: string[] }
  | { function: string; status: 'failed'; reason: string; warnings: string[] };

/**
 * Runs `work` for each function in turn, turning every failure into that function's outcome, so one
 * broken function never hides the others' results. After cancellation the rest are reported as skipped.
 */
export async function forEachFunction(
  names: readonly string[],
  work: (name: string, index: number) => Promise<FunctionOutcome>,
  signal?: AbortSignal,
): Promise<FunctionOutcome[]> {
  const outcomes: FunctionOutcome[] = [];
  for (const [i, name] of names.entries()) {
    if (signal?.aborted) {
      outcomes.push({ function: name, status: 'skipped', reason: l10n.t('Cancelled.'), warnings: [] });
      continue;
    }
    try {
      outcomes.push(await work(name, i));
    } catch (e) {
      if (e instanceof NotApplicableError)
        outcomes.push({ function: name, status: 'skipped', reason: e.message, warnings: [] });
      else if (isCancellation(e))
        outcomes.push({ function: name, status: 'skipped', reason: l10n.t('Cancelled.'), warnings: [] });
      else outcomes.push({ function: name, status: 'failed', reason: errorMessage(e), warnings: [] });
    }
  }
  return outcomes;
}

export interface ScanOptions {
  /** The explorer's model; without it we sweep ListFunctions. */
  functions?: Iterable<FunctionConfiguration> | AsyncIterable<FunctionConfiguration>;
  signal?: AbortSignal;
}

/** The functions to inspect: a model the caller already has, or a fresh ListFunctions sweep. */
/** `f1` for $LATEST, `f2:3` for a published version: how plans name a user of a layer version. */
export function functionVersionLabel(fn: FunctionConfiguration): string {
  const name = fn.FunctionName ?? fn.FunctionArn ?? '?';
  return fn.Version && fn.Version !== '$LATEST' ? `${name}:${fn.Version}` : name;
}

export function functionsToScan(
  gateway: LambdaGateway,
  supplied: Iterable<FunctionConfiguration> | AsyncIterable<FunctionConfiguration> | undefined,
  signal?: AbortSignal,
): Iterable<FunctionConfiguration> | AsyncIterable<FunctionConfiguration> {
  return supplied ?? gateway.listFunctions({ signal });
}
