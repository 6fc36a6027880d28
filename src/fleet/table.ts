import type { RolloutRow } from './rollout';

const COLUMNS = ['region', 'target', 'function', 'from', 'to', 'result', 'canary', 'reason'] as const;

/** The rollout's result table, to save: JSON (an array of rows) or CSV (RFC 4180, a header line). */
export function rolloutTable(rows: readonly RolloutRow[], format: 'json' | 'csv'): string {
  if (format === 'json') return `${JSON.stringify(rows.map(pick), null, 2)}\n`;
  const lines = [
    COLUMNS.join(','),
    ...rows.map((r) => COLUMNS.map((c) => csvField(String(pick(r)[c] ?? ''))).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** `<region> <function> <from> -> <to> <result>`, the command line's line per function. */
export function rolloutLine(row: Pick<RolloutRow, 'target' | 'function' | 'from' | 'to'>, result: string): string {
  return `${row.target} ${row.function} ${row.from} -> ${row.to} ${result}`;
}

function pick(r: RolloutRow): Record<(typeof COLUMNS)[number], string | boolean | undefined> {
  return {
    region: r.region,
    target: r.target,
    function: r.function,
    from: r.from,
    to: r.to,
    result: r.result,
    canary: r.canary,
    reason: r.reason,
  };
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
