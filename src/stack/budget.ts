import { UNZIPPED_LIMIT } from '../layer/manifest';
import { stackLevel } from '../ops/sizeGuard';
import type { StackSource } from './shadowing';

export interface BudgetPackage {
  name: string;
  version: string;
  size: number;
}

export interface BudgetPart {
  /** "function" or the layer version ARN. */
  source: string;
  unzipped: number;
  /** Largest first. */
  packages: BudgetPackage[];
  /** Bytes no package claims: the function's own code, native libraries in /opt/lib, … */
  otherBytes: number;
}

export interface Budget {
  limit: number;
  total: number;
  parts: BudgetPart[];
  /** total / limit. */
  ratio: number;
  level: 'ok' | 'warn' | 'over';
}

/** Code and layers unzipped (declared sizes from the central directories) against Lambda's 262,144,000 bytes. */
export function stackBudget(sources: readonly StackSource[]): Budget {
  const parts = sources.map((s): BudgetPart => {
    const packages = s.contents.packages
      .map((p) => ({ name: p.name, version: p.version, size: p.size }))
      .sort((a, b) => b.size - a.size || a.name.localeCompare(b.name));
    const claimed = packages.reduce((sum, p) => sum + p.size, 0);
    return {
      source: s.source,
      unzipped: s.contents.unzippedBytes,
      packages,
      otherBytes: Math.max(0, s.contents.unzippedBytes - claimed),
    };
  });
  const total = parts.reduce((sum, p) => sum + p.unzipped, 0);
  return { limit: UNZIPPED_LIMIT, total, parts, ratio: total / UNZIPPED_LIMIT, level: stackLevel(total) };
}
