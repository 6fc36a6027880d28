import * as l10n from '@vscode/l10n';
import { UNZIPPED_LIMIT } from '../layer/manifest';
import { formatBytes } from '../util/format';

/** A function's whole stack past this share of the quota gets a warning; past the quota Lambda refuses it. */
export const STACK_WARN_RATIO = 0.9;

/** 'over' past the quota (Lambda refuses the update), 'warn' past 90 % of it. */
export function stackLevel(totalBytes: number): 'ok' | 'warn' | 'over' {
  const ratio = totalBytes / UNZIPPED_LIMIT;
  return ratio > 1 ? 'over' : ratio > STACK_WARN_RATIO ? 'warn' : 'ok';
}

/** Unzipped sizes we know from our own build manifests, by LayerVersionArn and by CodeSha256 (base64). */
export interface KnownSizes {
  byArn?: ReadonlyMap<string, number>;
  bySha256?: ReadonlyMap<string, number>;
}

/** Both sources of sizes together (e.g. our manifests and the zips an analysis read). */
export function mergeKnownSizes(...all: (KnownSizes | undefined)[]): KnownSizes {
  const byArn = new Map<string, number>();
  const bySha256 = new Map<string, number>();
  for (const k of all) {
    k?.byArn?.forEach((v, key) => byArn.set(key, v));
    k?.bySha256?.forEach((v, key) => bySha256.set(key, v));
  }
  return { byArn, bySha256 };
}

export interface SizedPart {
  /** Layer version ARN, or undefined for the function's own code. */
  arn?: string;
  /** Zipped size (CodeSize), the lower bound when the unzipped size is unknown. */
  codeSize?: number;
  codeSha256?: string;
}

export interface SizeItem {
  arn?: string;
  bytes: number;
  /** False when `bytes` is the zipped size standing in for an unknown unzipped size (a lower bound). */
  exact: boolean;
}

export interface SizeEstimate {
  items: SizeItem[];
  totalBytes: number;
  /** The real unzipped total is at least `totalBytes` (some parts counted zipped). */
  lowerBound: boolean;
  ratio: number;
  level: 'ok' | 'warn' | 'over';
  /** Present for 'warn' and 'over'. */
  message?: string;
}

/**
 * Estimates function code + layers unzipped against the 250 MB quota (see stackLevel). Lambda reports only zipped sizes,
 * so parts whose unzipped size we do not know (from our build manifests, or from zips an analysis read: see
 * src/stack/zipCache.ts) count with their zipped size and the total is marked as a lower bound.
 */
export function estimateUnzippedSize(
  functionCode: SizedPart & { unzippedSize?: number },
  layers: readonly SizedPart[],
  known: KnownSizes = {},
): SizeEstimate {
  const items: SizeItem[] = [
    functionCode.unzippedSize !== undefined
      ? { bytes: functionCode.unzippedSize, exact: true }
      : sizeOf(functionCode, known),
    ...layers.map((l) => sizeOf(l, known)),
  ];
  const totalBytes = items.reduce((s, i) => s + i.bytes, 0);
  const lowerBound = items.some((i) => !i.exact);
  const ratio = totalBytes / UNZIPPED_LIMIT;
  const level = stackLevel(totalBytes);
  const estimate: SizeEstimate = { items, totalBytes, lowerBound, ratio, level };
  if (level !== 'ok') estimate.message = sizeMessage(estimate);
  return estimate;
}

function sizeOf(part: SizedPart, known: KnownSizes): SizeItem {
  const unzipped =
    (part.arn !== undefined ? known.byArn?.get(part.arn) : undefined) ??
    (part.codeSha256 !== undefined ? known.bySha256?.get(part.codeSha256) : undefined);
  if (unzipped !== undefined) return { arn: part.arn, bytes: unzipped, exact: true };
  return { arn: part.arn, bytes: part.codeSize ?? 0, exact: false };
}

function sizeMessage(e: SizeEstimate): string {
  const total = formatBytes(e.totalBytes);
  const limit = formatBytes(UNZIPPED_LIMIT);
  const percent = Math.round(e.ratio * 100);
  if (e.level === 'over') {
    return e.lowerBound
      ? l10n.t(
          'Function code and layers unzipped are at least {0}, over the {1} limit; Lambda will refuse it.',
          total,
          limit,
        )
      : l10n.t('Function code and layers unzipped are {0}, over the {1} limit; Lambda will refuse it.', total, limit);
  }
  return e.lowerBound
    ? l10n.t('Function code and layers unzipped are at least {0} ({1}% of the {2} limit).', total, percent, limit)
    : l10n.t('Function code and layers unzipped are {0} ({1}% of the {2} limit).', total, percent, limit);
}
