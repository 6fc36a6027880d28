import * as l10n from '@vscode/l10n';
import { parseLayerArn } from '../aws/arn';
import { htmlDocument, type PageFrame } from '../invoke/htmlPage';
import { formatBytes } from '../util/format';
import { escapeHtml as e } from '../util/html';
import type { StackReport } from './analyze';
import type { Comparison } from './compare';
import type { ChangeKind } from './diff';
import type { ImportTiming } from './importTime';
import { STACK_WARN_RATIO } from '../ops/sizeGuard';

export interface StackPageModel {
  report: StackReport;
  imports: ImportTiming[];
  /** Why import times are missing (no local Python, not a Python runtime). */
  importsNote?: string;
}

/** "deps:3" for a layer version ARN, the translated "Function code" for the function. */
export function sourceLabel(source: string): string {
  if (source === 'function') return l10n.t('Function code');
  if (source === 'runtime') return l10n.t('Runtime');
  const ref = parseLayerArn(source);
  return ref ? `${ref.name}:${ref.version ?? ''}` : source;
}

const SEGMENTS = 6;

const STACK_CSS = `
svg.stack { width: 100%; height: 26px; display: block; margin: 10px 0 4px; }
svg.stack .track { fill: var(--vscode-editorWidget-background); stroke: var(--vscode-widget-border, var(--vscode-panel-border)); }
svg.stack .seg0 { fill: var(--vscode-charts-blue); } svg.stack .seg1 { fill: var(--vscode-charts-green); }
svg.stack .seg2 { fill: var(--vscode-charts-purple); } svg.stack .seg3 { fill: var(--vscode-charts-orange); }
svg.stack .seg4 { fill: var(--vscode-charts-yellow); } svg.stack .seg5 { fill: var(--vscode-charts-red); }
svg.stack .limit { stroke: var(--vscode-errorForeground); stroke-width: 3; }
svg.stack .warnline { stroke: var(--vscode-editorWarning-foreground); stroke-width: 2; stroke-dasharray: 4 3; }
.legend .dot.seg0 { background: var(--vscode-charts-blue); } .legend .dot.seg1 { background: var(--vscode-charts-green); }
.legend .dot.seg2 { background: var(--vscode-charts-purple); } .legend .dot.seg3 { background: var(--vscode-charts-orange); }
.legend .dot.seg4 { background: var(--vscode-charts-yellow); } .legend .dot.seg5 { background: var(--vscode-charts-red); }
.legend { gap: 16px; }
tr.conflict td:first-child { color: var(--vscode-editorWarning-foreground); font-weight: 600; }
td.winner { font-weight: 600; }
svg.share { width: 120px; height: 10px; }
svg.share .track { fill: var(--vscode-editorWidget-background); }
svg.share .fill { fill: var(--vscode-charts-orange); }
`;

/** The Analyze Function page: budget bar with the limit marked, packages per source, shadowed modules, import ranking. */
export function renderStackPage(model: StackPageModel, frame: PageFrame): string {
  const { report } = model;
  const b = report.budget;
  const level = b.level === 'over' ? 'error' : b.level === 'warn' ? 'warn' : undefined;
  const notice = level
    ? `<div class="notice ${level}" id="budget-notice">${e(
        b.level === 'over'
          ? l10n.t(
              'Function code and layers unzip to {0}, over the {1} limit: Lambda refuses this combination.',
              formatBytes(b.total),
              formatBytes(b.limit),
            )
          : l10n.t(
              'Function code and layers unzip to {0}, more than 90% of the {1} limit.',
              formatBytes(b.total),
              formatBytes(b.limit),
            ),
      )}</div>`
    : '';
  const body = `<h1>${e(l10n.t('Stack of {0}', report.functionName))}</h1>
<p class="sub">${e(report.runtime ?? '?')} · ${e(l10n.t('{0} layers', report.sources.length - 1))}</p>
<section id="budget">
<h2>${e(l10n.t('Unzipped size'))}</h2>
<p>${e(l10n.t('{0} of {1} ({2}%)', formatBytes(b.total), formatBytes(b.limit), (b.ratio * 100).toFixed(1)))}</p>
${budgetBar(report)}
${notice}
<table id="budget-table"><thead><tr><th>${e(l10n.t('Source'))}</th><th>${e(l10n.t('Package'))}</th><th>${e(l10n.t('Version'))}</th><th class="num">${e(l10n.t('Unzipped'))}</th></tr></thead>
<tbody>${budgetRows(report)}</tbody></table>
</section>
<section id="shadowing">
<h2>${e(l10n.t('Modules provided more than once'))}</h2>
${shadowTable(report)}
</section>
<section id="imports">
<h2>${e(l10n.t('Import time per package'))}</h2>
${importTable(model)}
</section>`;
  return htmlDocument(frame, `<style nonce="${frame.nonce}">${STACK_CSS}</style>\n${body}`);
}

function budgetBar(report: StackReport): string {
  const b = report.budget;
  const scale = Math.max(b.total, b.limit) * 1.02;
  const x = (bytes: number) => ((bytes / scale) * 1000).toFixed(1);
  let offset = 0;
  const segs = b.parts.map((p, i) => {
    const rect = `<rect class="seg${i % SEGMENTS}" x="${x(offset)}" width="${x(p.unzipped)}" height="26"><title>${e(`${sourceLabel(p.source)}: ${formatBytes(p.unzipped)}`)}</title></rect>`;
    offset += p.unzipped;
    return rect;
  });
  const limit = x(b.limit);
  const warn = x(b.limit * STACK_WARN_RATIO);
  const legend = b.parts
    .map(
      (p, i) =>
        `<span><span class="dot seg${i % SEGMENTS}"></span>${e(sourceLabel(p.source))} ${e(formatBytes(p.unzipped))}</span>`,
    )
    .join('');
  return `<svg class="stack" viewBox="0 0 1000 26" preserveAspectRatio="none" role="img" aria-label="${e(`${(b.ratio * 100).toFixed(1)}%`)}">
<rect class="track" width="1000" height="26"/>${segs.join('')}
<line class="warnline" x1="${warn}" y1="0" x2="${warn}" y2="26"/><line class="limit" x1="${limit}" y1="0" x2="${limit}" y2="26"><title>${e(l10n.t('Limit: {0}', formatBytes(b.limit)))}</title></line>
</svg>
<div class="row legend">${legend}<span class="muted">│ ${e(l10n.t('limit {0}', formatBytes(b.limit)))}</span></div>`;
}

function budgetRows(report: StackReport): string {
  const rows: string[] = [];
  for (const part of report.budget.parts) {
    const label = e(sourceLabel(part.source));
    rows.push(
      `<tr><td title="${e(part.source)}"><strong>${label}</strong></td><td></td><td></td><td class="num"><strong>${e(formatBytes(part.unzipped))}</strong></td></tr>`,
    );
    for (const p of part.packages)
      rows.push(
        `<tr><td></td><td>${e(p.name)}</td><td>${e(p.version)}</td><td class="num">${e(formatBytes(p.size))}</td></tr>`,
      );
    if (part.otherBytes > 0 && part.packages.length > 0) {
      rows.push(
        `<tr><td></td><td class="muted">${e(l10n.t('(other files)'))}</td><td></td><td class="num">${e(formatBytes(part.otherBytes))}</td></tr>`,
      );
    }
  }
  return rows.join('\n');
}

function shadowTable(report: StackReport): string {
  if (report.shadowed.length === 0) return `<p class="muted">${e(l10n.t('No module is provided more than once.'))}</p>`;
  const rows = report.shadowed.map((s) => {
    const providers = s.providers
      .map(
        (p, i) =>
          `<span class="${i === 0 ? 'badge ok' : 'muted'}" title="${e(p.path)}">${e(sourceLabel(p.source))}${p.version ? ` ${e(p.version)}` : ''}</span>`,
      )
      .join(' › ');
    return `<tr class="${s.conflict ? 'conflict' : ''}"><td>${e(s.module)}${s.conflict ? ' ⚠' : ''}</td><td class="winner">${e(sourceLabel(s.winner))}${s.providers[0].version ? ` ${e(s.providers[0].version)}` : ''}</td><td>${providers}</td></tr>`;
  });
  return `<p class="muted">${e(l10n.t('Lambda searches /var/task, then /opt/python/lib/python3.X/site-packages, then /opt/python, then the runtime; in /opt a later layer overwrites an earlier one. ⚠ marks different versions.'))}</p>
<table id="shadow-table"><thead><tr><th>${e(l10n.t('Module'))}</th><th>${e(l10n.t('Wins'))}</th><th>${e(l10n.t('Provided by (search order)'))}</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function importTable(model: StackPageModel): string {
  if (model.imports.length === 0)
    return `<p class="muted">${e(model.importsNote ?? l10n.t('No package to import.'))}</p>`;
  const rows = model.imports.map((t) => {
    if (t.error)
      return `<tr><td>${e(t.module)}</td><td>${e(sourceLabel(t.source))}</td><td colspan="3" class="err">${e(t.error)}</td></tr>`;
    const w = Math.round(t.share * 120);
    const saved =
      t.msWithBytecode !== undefined
        ? e(l10n.t('{0} ms (−{1} ms)', t.msWithBytecode.toFixed(1), Math.max(0, t.ms - t.msWithBytecode).toFixed(1)))
        : '';
    return `<tr><td>${e(t.module)}</td><td>${e(sourceLabel(t.source))}</td><td class="num">${e(t.ms.toFixed(1))} ms</td><td><svg class="share" viewBox="0 0 120 10"><rect class="track" width="120" height="10"/><rect class="fill" width="${w}" height="10"/></svg> ${e((t.share * 100).toFixed(0))}%</td><td class="num">${saved}</td></tr>`;
  });
  return `<p class="muted">${e(model.importsNote ?? l10n.t('Measured locally, each package in a fresh interpreter, bytecode as shipped.'))}</p>
<table id="import-table"><thead><tr><th>${e(l10n.t('Module'))}</th><th>${e(l10n.t('Source'))}</th><th class="num">${e(l10n.t('Import time'))}</th><th>${e(l10n.t('Share of the total'))}</th><th class="num">${e(l10n.t('With bytecode'))}</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

const KIND_LABEL = (): Record<ChangeKind, string> => ({
  added: l10n.t('Added'),
  removed: l10n.t('Removed'),
  upgraded: l10n.t('Upgraded'),
  downgraded: l10n.t('Downgraded'),
  changed: l10n.t('Changed'),
  unchanged: l10n.t('Unchanged'),
});

/** Two layer versions (or a zip and a version) compared: packages added, removed, up- or downgraded, size change. */
export function renderComparePage(c: Comparison, frame: PageFrame): string {
  const labels = KIND_LABEL();
  const delta = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${formatBytes(Math.abs(n))}`;
  const rows = c.changes.map((x) => {
    const cls =
      x.kind === 'added' || x.kind === 'upgraded'
        ? 'ok'
        : x.kind === 'removed' || x.kind === 'downgraded'
          ? 'warn'
          : 'info';
    return `<tr class="${x.kind}"><td>${e(x.name)}</td><td><span class="badge ${cls}">${e(labels[x.kind])}</span></td><td>${e(x.before?.version ?? '—')}</td><td>${e(x.after?.version ?? '—')}</td><td class="num">${e(delta(x.sizeDelta))}</td></tr>`;
  });
  const body = `<h1>${e(l10n.t('{0} → {1}', sourceLabel(c.before), sourceLabel(c.after)))}</h1>
<p class="sub">${e(l10n.t('Unzipped: {0} → {1} ({2})', formatBytes(c.unzippedBefore), formatBytes(c.unzippedAfter), delta(c.unzippedAfter - c.unzippedBefore)))}</p>
<table id="diff-table"><thead><tr><th>${e(l10n.t('Package'))}</th><th>${e(l10n.t('Change'))}</th><th>${e(sourceLabel(c.before))}</th><th>${e(sourceLabel(c.after))}</th><th class="num">${e(l10n.t('Size change'))}</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
  return htmlDocument(frame, body);
}
