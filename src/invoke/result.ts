import type { InvokeResult } from '../aws/types';

/** Figures from the runtime's `REPORT RequestId: …` log line. */
export interface ReportFigures {
  requestId: string;
  durationMs?: number;
  billedDurationMs?: number;
  memorySizeMb?: number;
  maxMemoryUsedMb?: number;
  /** Present only on a cold start. */
  initDurationMs?: number;
}

/** The error a function returned (`X-Amz-Function-Error`), read from its error payload. */
export interface FunctionErrorView {
  /** Header value: `Unhandled` (runtime caught it) or `Handled`. */
  kind: string;
  type?: string;
  message: string;
  /** One entry per frame, as the runtime sent them (Python sends preformatted frames). */
  stack: string[];
}

export interface InvokeView {
  statusCode: number;
  ok: boolean;
  functionError?: FunctionErrorView;
  /** Pretty-printed JSON when the payload parses, the raw text otherwise. */
  payloadText: string;
  payloadIsJson: boolean;
  payloadBytes: number;
  log?: string;
  /** The log tail is the last 4 KB only: the start of the log may be missing. */
  logTruncated: boolean;
  report?: ReportFigures;
  coldStart: boolean;
  requestId?: string;
  executedVersion?: string;
}

/** The Tail log type returns at most this many bytes (the end of the log). */
const TAIL_LIMIT = 4096;

const REPORT_FIELDS: Record<string, keyof Omit<ReportFigures, 'requestId'>> = {
  Duration: 'durationMs',
  'Billed Duration': 'billedDurationMs',
  'Memory Size': 'memorySizeMb',
  'Max Memory Used': 'maxMemoryUsedMb',
  'Init Duration': 'initDurationMs',
};

/** Parses the last REPORT line of a log (a log tail may hold several invocations' lines). */
export function parseReport(log: string): ReportFigures | undefined {
  const lines = log.split(/\r?\n/).filter((l) => l.startsWith('REPORT RequestId:'));
  const line = lines[lines.length - 1];
  if (!line) return undefined;
  const parts = line
    .split('\t')
    .map((p) => p.trim())
    .filter(Boolean);
  const requestId = parts[0].slice('REPORT RequestId:'.length).trim();
  const figures: ReportFigures = { requestId };
  for (const part of parts.slice(1)) {
    const m = /^([A-Za-z ]+):\s*([\d.]+)\s*(ms|MB)$/.exec(part);
    const key = m && REPORT_FIELDS[m[1]];
    if (key) figures[key] = Number(m[2]);
  }
  return figures;
}

/** Reads an error payload `{errorMessage, errorType, stackTrace}`; tolerates anything else a runtime might send. */
export function parseFunctionError(payloadText: string, kind: string): FunctionErrorView {
  const parsed = tryParseJson(payloadText);
  if (parsed.ok && parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value)) {
    const v = parsed.value as Record<string, unknown>;
    const stack = Array.isArray(v.stackTrace)
      ? v.stackTrace.map(String)
      : typeof v.stack === 'string'
        ? v.stack.split('\n')
        : [];
    return {
      kind,
      type: typeof v.errorType === 'string' ? v.errorType : undefined,
      message: typeof v.errorMessage === 'string' ? v.errorMessage : payloadText,
      stack,
    };
  }
  return { kind, message: parsed.ok && typeof parsed.value === 'string' ? parsed.value : payloadText, stack: [] };
}

/**
 * Turns the gateway's raw result into what the result view and the CLI show. `completeLog`: the log
 * is the whole log (a local run), not Lambda's 4 KB tail.
 */
export function toInvokeView(result: InvokeResult, options: { completeLog?: boolean } = {}): InvokeView {
  const text = new TextDecoder().decode(result.payload);
  const parsed = text.length > 0 ? tryParseJson(text) : { ok: false as const };
  const log = result.logTail;
  const report = log ? parseReport(log) : undefined;
  const functionError = result.functionError ? parseFunctionError(text, result.functionError) : undefined;
  return {
    statusCode: result.statusCode,
    ok: result.statusCode >= 200 && result.statusCode < 300 && !functionError,
    functionError,
    payloadText: parsed.ok ? JSON.stringify(parsed.value, null, 2) : text,
    payloadIsJson: parsed.ok,
    payloadBytes: result.payload.byteLength,
    log,
    // A decoder may have replaced a cut multi-byte character at the start, so allow a few bytes of slack.
    logTruncated: !options.completeLog && log !== undefined && Buffer.byteLength(log) >= TAIL_LIMIT - 4,
    report,
    coldStart: report?.initDurationMs !== undefined,
    requestId: report?.requestId ?? requestIdFromPayload(parsed) ?? requestIdFromStart(log),
    executedVersion: result.executedVersion,
  };
}

function requestIdFromPayload(parsed: { ok: boolean; value?: unknown }): string | undefined {
  const v = parsed.ok ? parsed.value : undefined;
  if (v && typeof v === 'object' && typeof (v as { requestId?: unknown }).requestId === 'string') {
    return (v as { requestId: string }).requestId;
  }
  return undefined;
}

function requestIdFromStart(log: string | undefined): string | undefined {
  return log ? /^START RequestId: (\S+)/m.exec(log)?.[1] : undefined;
}

export function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
