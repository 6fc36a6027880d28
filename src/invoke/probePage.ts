import * as l10n from '@vscode/l10n';
import { escapeHtml } from '../util/html';
import { ACTION_SCRIPT, htmlDocument, type PageFrame } from './htmlPage';
// Types only: the page must not load the probe engine (its panel is created at activation).
import type { ProbeReport, ProbeStatus } from './probe';

/** The import check of one layer version: its report, or why the check itself failed. */
export interface ProbeSection {
  layerVersionArn: string;
  /** Short name, e.g. `deps:3`. */
  label: string;
  report?: ProbeReport;
  error?: string;
}

export interface ProbePageModel {
  /** What was checked: a layer version, or a function (all its layers). */
  subject: string;
  sections: ProbeSection[];
  /** Probe functions still deployed; the page offers to delete them. */
  probeFunctions: string[];
  /** Checked on a local endpoint: this machine's Python, not Lambda's runtime. */
  local?: boolean;
}

export type ProbePageMessage = { type: 'deleteProbe'; value: string };

export function renderProbePage(model: ProbePageModel, frame: PageFrame): string {
  const body = [
    `<h1>${escapeHtml(l10n.t('Layer Imports: {0}', model.subject))}</h1>`,
    `<p class="sub">${escapeHtml(
      !model.local
        ? l10n.t('Each package of the layer was imported by a probe function on the real runtime.')
        : model.sections.some((s) => s.report?.node)
          ? l10n.t(
              "Each package of the layer was loaded by a probe function on the local endpoint: this machine's Node.js, not Lambda's runtime.",
            )
          : l10n.t(
              "Each package of the layer was imported by a probe function on the local endpoint: this machine's Python, not Lambda's runtime.",
            ),
    )}</p>`,
    ...model.sections.map(section),
    ...model.probeFunctions.map(
      (name) =>
        `<div class="notice info row"><span>${escapeHtml(
          l10n.t('The probe function {0} stays deployed, so the next check starts faster.', name),
        )}</span><span class="push"><button data-action="deleteProbe" data-value="${escapeHtml(name)}">${escapeHtml(l10n.t('Delete Probe Function'))}</button></span></div>`,
    ),
  ];
  return htmlDocument(frame, body.join('\n'), ACTION_SCRIPT);
}

function section(s: ProbeSection): string {
  const head = (badge: string) =>
    `<div class="section-head"><h2>${escapeHtml(s.label)}</h2>${badge}</div><p class="sub">${escapeHtml(s.layerVersionArn)}</p>`;
  if (!s.report) {
    return `${head(`<span class="badge fail">✗ ${escapeHtml(l10n.t('Check failed'))}</span>`)}
<div class="notice error">${escapeHtml(s.error ?? l10n.t('The check failed.'))}</div>`;
  }
  const r = s.report;
  const failed = r.rows.filter((row) => row.status !== 'ok').length;
  const badge =
    r.rows.length === 0
      ? `<span class="badge warn">${escapeHtml(l10n.t('No packages found'))}</span>`
      : failed === 0
        ? `<span class="badge ok">✓ ${escapeHtml(r.rows.length === 1 ? l10n.t('The package imports') : l10n.t('All {0} packages import', r.rows.length))}</span>`
        : `<span class="badge fail">✗ ${escapeHtml(l10n.t('{0} of {1} packages have problems', failed, r.rows.length))}</span>`;
  const ran = [r.python ? `Python ${r.python}` : undefined, r.node ? `Node.js ${r.node}` : undefined, r.machine]
    .filter(Boolean)
    .join(', ');
  const where = ran
    ? l10n.t('{0} on {1} (ran on {2})', r.runtime, r.architecture, ran)
    : l10n.t('{0} on {1}', r.runtime, r.architecture);
  // Probe v2 times each import in a fresh interpreter on the runtime: a column when any row has it.
  const timed = r.rows.some((row) => importMs(row) !== undefined);
  const rows = r.rows.map(
    (row) => `<tr>
<td>${escapeHtml(row.package)}</td>
<td class="num">${escapeHtml(row.expectedVersion ?? '—')}</td>
<td class="num">${escapeHtml(row.importedVersion ?? '—')}</td>
<td>${statusBadge(row.status)}</td>
${timed ? `<td class="num">${escapeHtml(importMs(row) !== undefined ? `${importMs(row)!.toFixed(1)} ms` : '—')}</td>\n` : ''}<td class="err">${escapeHtml(row.error ?? '')}</td>
</tr>`,
  );
  const headers = [
    l10n.t('Package'),
    l10n.t('Expected'),
    l10n.t('Imported'),
    l10n.t('Status'),
    ...(timed ? [l10n.t('Import time')] : []),
    l10n.t('Error'),
  ];
  return `${head(badge)}
<p class="muted">${escapeHtml(where)}</p>
<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

/** A package's import time on the runtime: the sum over its top-level modules, when each was timed. */
function importMs(row: ProbeReport['rows'][number]): number | undefined {
  const ms = row.modules.map((m) => m.importMs);
  return ms.length > 0 && ms.every((x) => x !== undefined) ? ms.reduce((a, b) => a! + b!, 0) : undefined;
}

function statusBadge(status: ProbeStatus): string {
  const [cls, mark] = status === 'ok' ? ['ok', '✓'] : status === 'versionMismatch' ? ['warn', '!'] : ['fail', '✗'];
  return `<span class="badge ${cls}">${mark} ${escapeHtml(probeStatusLabel(status))}</span>`;
}

/** A label for the table's status column. */
function probeStatusLabel(status: ProbeStatus): string {
  switch (status) {
    case 'ok':
      return l10n.t('OK');
    case 'importFailed':
      return l10n.t('Import failed');
    case 'notInstalled':
      return l10n.t('Not installed');
    case 'versionMismatch':
      return l10n.t('Different version');
  }
}
