import * as l10n from '@vscode/l10n';
import { formatBytes } from '../util/format';
import { escapeHtml } from '../util/html';
import type { HistoryEntry } from './history';
import { ACTION_SCRIPT, htmlDocument, type PageFrame } from './htmlPage';
import { tryParseJson, type InvokeView, type ReportFigures } from './result';

/**
 * One invoke result as the result page shows it: a full result of this session, or a stored history
 * entry (which keeps only a preview: no log, no stack trace).
 */
export interface ResultDisplay {
  /** ISO time of the invoke; identifies the result within a function's list. */
  at: string;
  eventName?: string;
  statusCode: number;
  ok: boolean;
  error?: { kind?: string; type?: string; message: string; stack: string[] };
  payload: string;
  payloadIsJson: boolean;
  payloadBytes?: number;
  /** Only the start of the payload is known. */
  payloadTruncated: boolean;
  log?: string;
  logTruncated: boolean;
  report?: Partial<Omit<ReportFigures, 'requestId'>>;
  coldStart: boolean;
  requestId?: string;
  /** Shown above the result, e.g. a local Python that is not the runtime's version. */
  warnings: string[];
  /** Read back from storage: log and stack trace were not kept. */
  stored: boolean;
}

export interface InvokePageModel {
  functionName: string;
  /** Where it ran, e.g. "Local endpoint · us-east-1". */
  target: string;
  /** Newest first; the first is the latest invoke. */
  results: ResultDisplay[];
  /** Index into `results` of the result shown in full. */
  selected: number;
  /** Offer "Invoke Again" (the shell knows how to repeat the last invoke). */
  canRerun: boolean;
}

/** The page's buttons post these to the extension. */
export type InvokePageMessage = { type: 'select'; value: string } | { type: 'copy' } | { type: 'rerun' };

/** Longer payloads are cut in the page (a sync response may be 6 MB); Copy gives the whole text. */
const MAX_SHOWN_PAYLOAD_CHARS = 256 * 1024;

export function displayFromView(
  view: InvokeView,
  at: Date,
  eventName?: string,
  warnings: string[] = [],
): ResultDisplay {
  const fe = view.functionError;
  return {
    at: at.toISOString(),
    eventName,
    statusCode: view.statusCode,
    ok: view.ok,
    error: fe && { kind: fe.kind, type: fe.type, message: fe.message, stack: fe.stack },
    payload: view.payloadText,
    payloadIsJson: view.payloadIsJson,
    payloadBytes: view.payloadBytes,
    payloadTruncated: false,
    log: view.log,
    logTruncated: view.logTruncated,
    report: view.report && {
      durationMs: view.report.durationMs,
      billedDurationMs: view.report.billedDurationMs,
      memorySizeMb: view.report.memorySizeMb,
      maxMemoryUsedMb: view.report.maxMemoryUsedMb,
      initDurationMs: view.report.initDurationMs,
    },
    coldStart: view.coldStart,
    requestId: view.requestId,
    warnings,
    stored: false,
  };
}

export function displayFromHistory(entry: HistoryEntry): ResultDisplay {
  const hasError = entry.errorType !== undefined || entry.errorMessage !== undefined;
  return {
    at: entry.at,
    eventName: entry.eventName,
    statusCode: entry.statusCode,
    ok: entry.ok,
    error: hasError ? { type: entry.errorType, message: entry.errorMessage ?? '', stack: [] } : undefined,
    payload: entry.payload,
    payloadIsJson: tryParseJson(entry.payload).ok,
    payloadTruncated: entry.payloadTruncated,
    logTruncated: false,
    report: {
      durationMs: entry.durationMs,
      billedDurationMs: entry.billedDurationMs,
      maxMemoryUsedMb: entry.maxMemoryUsedMb,
    },
    coldStart: entry.coldStart,
    requestId: entry.requestId,
    warnings: [],
    stored: true,
  };
}

export function renderInvokePage(model: InvokePageModel, frame: PageFrame): string {
  const r = model.results[model.selected] ?? model.results[0];
  if (!r) return htmlDocument(frame, `<h1>${escapeHtml(model.functionName)}</h1>`);
  const fmt = formatters(frame.locale);
  const body = [
    header(model, r, fmt),
    ...r.warnings.map((w) => `<div class="notice warn">${escapeHtml(w)}</div>`),
    r.stored
      ? `<div class="notice info">${escapeHtml(l10n.t('A stored result: its log and stack trace are kept only while VS Code runs.'))}</div>`
      : '',
    figures(r, fmt),
    r.error ? errorSection(r.error) : '',
    payloadSection(r),
    r.log !== undefined ? logSection(r.log, r.logTruncated) : '',
    model.results.length > 1 ? recentSection(model, fmt) : '',
  ];
  return htmlDocument(frame, body.filter(Boolean).join('\n'), ACTION_SCRIPT);
}

interface Formatters {
  time(iso: string): string;
  number(n: number): string;
}

function formatters(locale: string | undefined): Formatters {
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  return {
    time: (iso) => {
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale);
    },
    number: (n) => number.format(n),
  };
}

function header(model: InvokePageModel, r: ResultDisplay, fmt: Formatters): string {
  const meta = [
    model.target,
    fmt.time(r.at),
    r.eventName ? l10n.t('event "{0}"', r.eventName) : l10n.t('empty event {}'),
    r.requestId ? l10n.t('request {0}', r.requestId) : undefined,
  ].filter((x): x is string => Boolean(x));
  const status = r.error
    ? `<span class="badge fail">✗ ${escapeHtml(r.error.kind ? l10n.t('Function error ({0})', r.error.kind) : l10n.t('Function error'))}</span>`
    : r.ok
      ? `<span class="badge ok">✓ ${escapeHtml(l10n.t('Succeeded'))}</span>`
      : `<span class="badge fail">✗ ${escapeHtml(l10n.t('Failed'))}</span>`;
  const cold = r.coldStart ? `<span class="badge info">❄ ${escapeHtml(l10n.t('Cold start'))}</span>` : '';
  const http = `<span class="muted">HTTP ${r.statusCode}</span>`;
  const actions = model.canRerun
    ? `<span class="push"><button class="primary" data-action="rerun">${escapeHtml(l10n.t('Invoke Again'))}</button></span>`
    : '';
  return `<header>
<h1>${escapeHtml(model.functionName)}</h1>
<p class="sub">${meta.map(escapeHtml).join(' · ')}</p>
<div class="row">${status}${cold}${http}${actions}</div>
</header>`;
}

function figures(r: ResultDisplay, fmt: Formatters): string {
  const f = r.report;
  if (!f || Object.values(f).every((v) => v === undefined)) return '';
  const ms = (n: number) => `${fmt.number(n)} ms`;
  const card = (label: string, value: string, note?: string) =>
    `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div>${note ? `<div class="note">${escapeHtml(note)}</div>` : ''}</div>`;
  const cards: string[] = [];
  if (f.durationMs !== undefined) cards.push(card(l10n.t('Duration'), ms(f.durationMs)));
  if (f.billedDurationMs !== undefined) cards.push(card(l10n.t('Billed duration'), ms(f.billedDurationMs)));
  if (f.maxMemoryUsedMb !== undefined) {
    const size = f.memorySizeMb !== undefined ? l10n.t('of {0} MB', fmt.number(f.memorySizeMb)) : undefined;
    cards.push(card(l10n.t('Memory used'), `${fmt.number(f.maxMemoryUsedMb)} MB`, size));
  }
  if (f.initDurationMs !== undefined)
    cards.push(card(l10n.t('Init duration'), ms(f.initDurationMs), l10n.t('cold start')));
  return `<div class="cards">${cards.join('')}</div>`;
}

function errorSection(error: NonNullable<ResultDisplay['error']>): string {
  const title = error.type ? `${error.type}: ${error.message}` : error.message;
  const stack =
    error.stack.length > 0 ? `<pre>${escapeHtml(error.stack.map((l) => l.replace(/\n$/, '')).join('\n'))}</pre>` : '';
  return `<h2>${escapeHtml(l10n.t('Error'))}</h2>
<div class="notice error"><div class="error-title">${escapeHtml(title)}</div></div>
${stack}`;
}

function payloadSection(r: ResultDisplay): string {
  const facts = [
    r.payloadIsJson ? 'JSON' : l10n.t('text'),
    r.payloadBytes !== undefined ? formatBytes(r.payloadBytes) : undefined,
  ];
  const shown = r.payload.length > MAX_SHOWN_PAYLOAD_CHARS ? r.payload.slice(0, MAX_SHOWN_PAYLOAD_CHARS) : r.payload;
  const cut = r.payloadTruncated || shown.length < r.payload.length;
  const body =
    r.payload.length === 0
      ? `<p class="muted">${escapeHtml(l10n.t('(empty response)'))}</p>`
      : `<pre id="payload">${r.payloadIsJson && !cut ? highlightJson(shown) : escapeHtml(shown)}${cut ? '\n…' : ''}</pre>`;
  const note = cut ? `<p class="muted">${escapeHtml(l10n.t('Only the start of the response is shown.'))}</p>` : '';
  const copy =
    r.stored || r.payload.length === 0 ? '' : `<button data-action="copy">${escapeHtml(l10n.t('Copy'))}</button>`;
  const factText = escapeHtml(facts.filter(Boolean).join(' · '));
  if (r.error) {
    // The error section above already says what it holds: the raw error document stays folded.
    return `<details><summary>${escapeHtml(l10n.t('Error response'))} <span class="muted">${factText}</span></summary>
${body}
</details>`;
  }
  return `<div class="section-head"><h2>${escapeHtml(l10n.t('Response'))}</h2><span class="muted">${factText}</span>${copy}</div>
${body}
${note}`;
}

const PLATFORM_LINE = /^(START|END|REPORT|INIT_START|INIT_REPORT|EXTENSION|TELEMETRY) /;
const ERROR_LINE = /^(\[ERROR\]|Traceback |\s+File ".*", line \d+|\w+(Error|Exception):)/;

function logSection(log: string, truncated: boolean): string {
  const lines = log
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      const cls = PLATFORM_LINE.test(line) ? 'muted' : ERROR_LINE.test(line) ? 'log-error' : '';
      return cls ? `<span class="${cls}">${escapeHtml(line)}</span>` : escapeHtml(line);
    });
  const note = truncated ? l10n.t('The last 4 KB of the log (Lambda returns only its end).') : '';
  return `<div class="section-head"><h2>${escapeHtml(l10n.t('Log'))}</h2><span class="muted">${escapeHtml(note)}</span></div>
<pre id="log">${log.length > 0 ? lines.join('\n') : `<span class="muted">${escapeHtml(l10n.t('(no output)'))}</span>`}</pre>`;
}

function recentSection(model: InvokePageModel, fmt: Formatters): string {
  const rows = model.results.map((r, i) => {
    const result = r.error ? (r.error.type ?? l10n.t('Function error')) : r.ok ? l10n.t('Succeeded') : l10n.t('Failed');
    const duration = r.report?.durationMs !== undefined ? `${fmt.number(r.report.durationMs)} ms` : '';
    const memory = r.report?.maxMemoryUsedMb !== undefined ? `${fmt.number(r.report.maxMemoryUsedMb)} MB` : '';
    const selected = i === model.selected;
    return `<tr class="pick${selected ? ' selected' : ''}" data-action="select" data-value="${i}" title="${escapeHtml(l10n.t('Show this result'))}">
<td>${escapeHtml(fmt.time(r.at))}</td>
<td>${escapeHtml(r.eventName ?? '{}')}</td>
<td><span class="dot ${r.ok ? 'ok' : 'fail'}"></span>${escapeHtml(result)}</td>
<td class="num">${escapeHtml(duration)}</td>
<td class="num">${escapeHtml(memory)}</td>
<td>${r.coldStart ? escapeHtml(l10n.t('cold start')) : ''}</td>
</tr>`;
  });
  const head = [l10n.t('Time'), l10n.t('Event'), l10n.t('Result'), l10n.t('Duration'), l10n.t('Memory used'), ''];
  return `<h2>${escapeHtml(l10n.t('Recent results'))}</h2>
<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

/** Colours keys, strings, numbers and literals of pretty-printed JSON; every piece is escaped. */
export function highlightJson(text: string): string {
  const token = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  let out = '';
  let last = 0;
  for (let m = token.exec(text); m; m = token.exec(text)) {
    out += escapeHtml(text.slice(last, m.index));
    if (m[1] !== undefined) {
      out +=
        m[2] !== undefined
          ? `<span class="j-key">${escapeHtml(m[1])}</span>${m[2]}`
          : `<span class="j-str">${escapeHtml(m[1])}</span>`;
    } else if (m[3] !== undefined) out += `<span class="j-lit">${m[3]}</span>`;
    else out += `<span class="j-num">${m[4]}</span>`;
    last = token.lastIndex;
  }
  return out + escapeHtml(text.slice(last));
}
