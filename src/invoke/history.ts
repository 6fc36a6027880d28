import type { InvokeView } from './result';

/**
 * Recent invoke results per function, kept small and plain (JSON-safe) because the editor stores
 * it in workspaceState. Functions are immutable updates: callers store what they get back.
 */
export interface HistoryEntry {
  /** ISO time of the invoke. */
  at: string;
  eventName?: string;
  statusCode: number;
  ok: boolean;
  errorType?: string;
  errorMessage?: string;
  requestId?: string;
  durationMs?: number;
  billedDurationMs?: number;
  maxMemoryUsedMb?: number;
  coldStart: boolean;
  /** The start of the (pretty-printed) payload. */
  payload: string;
  payloadTruncated: boolean;
}

export interface InvokeHistory {
  version: 1;
  /** Function name → entries, newest first. */
  functions: Record<string, HistoryEntry[]>;
  /** Function names, most recently used first; bounds how many functions are kept. */
  order: string[];
}

const MAX_ENTRIES_PER_FUNCTION = 10;
export const MAX_FUNCTIONS = 50;
export const MAX_PAYLOAD_CHARS = 2048;

export function emptyHistory(): InvokeHistory {
  return { version: 1, functions: {}, order: [] };
}

/** Builds an entry from a result view, keeping only a preview of the payload. */
export function historyEntry(view: InvokeView, at: Date, eventName?: string): HistoryEntry {
  const truncated = view.payloadText.length > MAX_PAYLOAD_CHARS;
  return {
    at: at.toISOString(),
    eventName,
    statusCode: view.statusCode,
    ok: view.ok,
    errorType: view.functionError?.type,
    errorMessage: view.functionError?.message.slice(0, MAX_PAYLOAD_CHARS),
    requestId: view.requestId,
    durationMs: view.report?.durationMs,
    billedDurationMs: view.report?.billedDurationMs,
    maxMemoryUsedMb: view.report?.maxMemoryUsedMb,
    coldStart: view.coldStart,
    payload: truncated ? view.payloadText.slice(0, MAX_PAYLOAD_CHARS) : view.payloadText,
    payloadTruncated: truncated,
  };
}

export function addToHistory(
  history: InvokeHistory,
  functionName: string,
  entry: HistoryEntry,
  limit = MAX_ENTRIES_PER_FUNCTION,
): InvokeHistory {
  const entries = [entry, ...(history.functions[functionName] ?? [])].slice(0, limit);
  const order = [functionName, ...history.order.filter((f) => f !== functionName)];
  const kept = order.slice(0, MAX_FUNCTIONS);
  const functions: Record<string, HistoryEntry[]> = {};
  for (const f of kept) functions[f] = f === functionName ? entries : history.functions[f];
  return { version: 1, functions, order: kept };
}

export function historyFor(history: InvokeHistory, functionName: string): readonly HistoryEntry[] {
  return history.functions[functionName] ?? [];
}

export function clearHistory(history: InvokeHistory, functionName: string): InvokeHistory {
  const functions = { ...history.functions };
  delete functions[functionName];
  return { version: 1, functions, order: history.order.filter((f) => f !== functionName) };
}

/**
 * Accepts whatever storage returned (nothing, an older shape, hand-edited JSON) and keeps only
 * well-formed entries within the bounds, so a bad stored value never breaks the view.
 */
export function restoreHistory(stored: unknown): InvokeHistory {
  if (!stored || typeof stored !== 'object') return emptyHistory();
  const s = stored as Partial<InvokeHistory>;
  if (s.version !== 1 || !s.functions || typeof s.functions !== 'object' || !Array.isArray(s.order))
    return emptyHistory();
  const result = emptyHistory();
  for (const f of s.order.filter((x): x is string => typeof x === 'string').slice(0, MAX_FUNCTIONS)) {
    const entries = (s.functions as Record<string, unknown>)[f];
    if (!Array.isArray(entries) || result.functions[f]) continue;
    const valid = entries
      .filter(isEntry)
      .slice(0, MAX_ENTRIES_PER_FUNCTION)
      .map((e) => ({ ...e, coldStart: e.coldStart === true, payloadTruncated: e.payloadTruncated === true }));
    if (valid.length === 0) continue;
    result.functions[f] = valid;
    result.order.push(f);
  }
  return result;
}

function isEntry(e: unknown): e is HistoryEntry {
  if (!e || typeof e !== 'object') return false;
  const x = e as Record<string, unknown>;
  return (
    typeof x.at === 'string' &&
    typeof x.statusCode === 'number' &&
    typeof x.ok === 'boolean' &&
    typeof x.payload === 'string'
  );
}
