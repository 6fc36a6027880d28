import * as l10n from '@vscode/l10n';
import { UserError } from '../util/errors';
import { isSameLayer, parseLayerArn, type LayerRef } from '../aws/arn';

/**
 * Pure algebra on a function's layer list (layer version ARNs, in merge order).
 * Each function computes the new list from the current one, so the same change can be re-applied
 * to a fresher list when someone else changed the function meanwhile (see mutateLayers.ts).
 */

/** AWS refuses more (InvalidParameterValueException); we say why before calling it. */
export const MAX_LAYERS = 5;

/** The change no longer fits the function (e.g. the layer was detached meanwhile): skip, don't fail. */
export class NotApplicableError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'NotApplicableError';
  }
}

export function assertLayerLimit(layers: readonly string[]): void {
  if (layers.length > MAX_LAYERS) {
    throw new UserError(
      l10n.t(
        'A function can use at most {0} layers; this change would give it {1}. Detach a layer first.',
        MAX_LAYERS,
        layers.length,
      ),
    );
  }
}

/** Attach a version: replaces another version of the same layer in place (merge order matters), else appends. */
export function attachLayer(current: readonly string[], versionArn: string): string[] {
  requireLayerVersionArn(versionArn);
  const i = current.findIndex((a) => isSameLayer(a, versionArn));
  const next = i >= 0 ? current.map((a, j) => (j === i ? versionArn : a)) : [...current, versionArn];
  assertLayerLimit(next);
  return next;
}

/**
 * Detach by version ARN (only that version), layer ARN (any version of it) or bare layer name.
 * A name that matches layers of two different accounts is refused as ambiguous.
 */
export function detachLayer(current: readonly string[], target: string): string[] {
  const ref = parseLayerArn(target);
  let matches: (arn: string) => boolean;
  if (ref?.version !== undefined) matches = (a) => a === target;
  else if (ref) matches = (a) => isSameLayer(a, target);
  else {
    const named = current.filter((a) => parseLayerArn(a)?.name === target);
    if (new Set(named.map((a) => parseLayerArn(a)?.layerArn)).size > 1) {
      throw new UserError(l10n.t('More than one attached layer is named {0}. Give the layer ARN instead.', target));
    }
    matches = (a) => named.includes(a);
  }
  if (!current.some(matches))
    throw new NotApplicableError(l10n.t('The layer {0} is not attached to this function.', target));
  return current.filter((a) => !matches(a));
}

/** Moves the layer (given by any of its version ARNs) one place earlier or later; a no-op at either end. */
export function moveLayer(current: readonly string[], arn: string, direction: 'up' | 'down'): string[] {
  const i = current.findIndex((a) => isSameLayer(a, arn));
  if (i < 0) throw new NotApplicableError(l10n.t('The layer {0} is not attached to this function.', arn));
  const j = direction === 'up' ? i - 1 : i + 1;
  if (j < 0 || j >= current.length) return [...current];
  const next = [...current];
  [next[i], next[j]] = [next[j], next[i]];
  return next;
}

/** Points the function at `latestVersionArn` in place of whatever version of that layer it uses. */
export function updateToVersion(current: readonly string[], latestVersionArn: string): string[] {
  requireLayerVersionArn(latestVersionArn);
  const i = current.findIndex((a) => isSameLayer(a, latestVersionArn));
  if (i < 0) throw new NotApplicableError(l10n.t('The layer {0} is not attached to this function.', latestVersionArn));
  return current.map((a, j) => (j === i ? latestVersionArn : a));
}

/**
 * Replaces exactly `from` with `to` (a confirmed bulk-update item). Refuses when the function no longer
 * uses `from`, so a change made by someone after the preview is never overwritten.
 */
export function replaceVersion(current: readonly string[], from: string, to: string): string[] {
  if (current.includes(to) && !current.includes(from)) return [...current];
  if (!current.includes(from)) {
    throw new NotApplicableError(l10n.t('The function no longer uses {0}; it changed after the preview.', from));
  }
  return current.map((a) => (a === from ? to : a));
}

export function sameLayerList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A layer version ARN given as text (automation, a pasted ARN); a `UserError` showing the form for anything else. */
export function requireLayerVersionArn(arn: string): LayerRef & { version: number } {
  const ref = parseLayerArn(arn);
  if (ref?.version === undefined) {
    throw new UserError(
      l10n.t('{0} is not a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION).', arn),
    );
  }
  return { ...ref, version: ref.version };
}
