import * as l10n from '@vscode/l10n';
import { ACTION_SCRIPT, htmlDocument, type PageFrame } from '../invoke/htmlPage';
import { escapeHtml as e } from '../util/html';
import type { LayerFleetRow } from './inventory';
import type { RolloutItem, RolloutRow } from './rollout';

/** A target still loading, or its row of the layer's fleet view. */
export type FleetPageRow = { target: string; region: string; status: 'loading' } | LayerFleetRow;

/** Function names shown per version; the rest is counted (a region can have thousands). */
const NAMES_SHOWN = 12;

/**
 * The fleet view of one layer: per region (and account), each version with its content hash, how far behind the
 * region's newest it is, the functions on it (a name, or `name:3` for a published version) and the aliases routing
 * to those (`name:prod`); regions where the layer is missing or that failed are said so, loading ones too.
 */
export function renderFleetPage(layer: string, rows: readonly FleetPageRow[], frame: PageFrame): string {
  const ok = rows.filter((r): r is Extract<LayerFleetRow, { status: 'ok' }> => r.status === 'ok');
  const loading = rows.filter((r) => r.status === 'loading');
  const missing = rows.filter((r) => r.status === 'missing');
  const failed = rows.filter((r): r is Extract<LayerFleetRow, { status: 'error' }> => r.status === 'error');
  const behind = ok.reduce((n, r) => n + r.behind, 0);
  const newestHashes = new Set(ok.map((r) => r.versions[0]?.sha256 ?? '?'));
  const cards = [
    card(l10n.t('Regions'), String(rows.length), loading.length ? l10n.t('{0} loading', loading.length) : ''),
    card(l10n.t('Functions behind'), String(behind), ''),
    card(l10n.t('Missing in'), String(missing.length), missing.map((r) => r.target).join(', ')),
  ].join('');
  const sameContent =
    ok.length < 2
      ? ''
      : newestHashes.size === 1 && !newestHashes.has('?')
        ? `<span class="badge ok" id="same-content">${e(l10n.t('Same content everywhere'))}</span>`
        : `<span class="badge warn" id="same-content">${e(l10n.t('The newest versions differ between regions'))}</span>`;
  const notices = [
    ...failed.map(
      (r) => `<div class="notice error">${e(l10n.t('{0} could not be read: {1}', r.target, r.reason))}</div>`,
    ),
    ...ok
      .filter((r) => r.aliasFailures.length > 0)
      .map(
        (r) =>
          `<div class="notice warn">${e(l10n.t('{0}: the aliases of {1} could not be read.', r.target, r.aliasFailures.join(', ')))}</div>`,
      ),
    missing.length
      ? `<div class="notice warn" id="missing">${e(l10n.t('{0} is missing in {1}.', layer, missing.map((r) => r.target).join(', ')))}</div>`
      : '',
  ].join('');
  const body = `<div class="section-head"><h1>${e(l10n.t('Fleet: {0}', layer))}</h1>
<button data-action="rollOut" class="primary">${e(l10n.t('Roll Out…'))}</button><button data-action="refresh">${e(l10n.t('Refresh'))}</button></div>
<div class="cards">${cards}</div>
<div class="row">${sameContent}</div>
${notices}
<table id="fleet-table"><thead><tr><th>${e(l10n.t('Region'))}</th><th>${e(l10n.t('Version'))}</th><th>${e(l10n.t('Content'))}</th><th>${e(l10n.t('Behind'))}</th><th class="num">${e(l10n.t('Functions'))}</th><th>${e(l10n.t('Used by'))}</th><th>${e(l10n.t('Aliases'))}</th></tr></thead>
<tbody>${rows.map(regionRows).join('\n')}</tbody></table>`;
  return htmlDocument(frame, body, ACTION_SCRIPT);
}

function regionRows(row: FleetPageRow): string {
  const account = 'account' in row && row.account ? `<div class="muted account">${e(row.account)}</div>` : '';
  const region = `<td><strong>${e(row.target)}</strong>${account}</td>`;
  if (row.status === 'loading')
    return `<tr data-region="${e(row.target)}">${region}<td colspan="6" class="muted">${e(l10n.t('Loading…'))}</td></tr>`;
  if (row.status === 'missing')
    return `<tr data-region="${e(row.target)}">${region}<td colspan="6" class="muted">${e(l10n.t('Not published here'))}</td></tr>`;
  if (row.status === 'error')
    return `<tr data-region="${e(row.target)}">${region}<td colspan="6" class="err">${e(row.reason)}</td></tr>`;
  return row.versions
    .map((v, i) => {
      const shown = v.functions.slice(0, NAMES_SHOWN).map(e).join(', ') + more(v.functions.length);
      const lag =
        v.behindBy === 0 ? `<span class="badge ok">${e(l10n.t('newest'))}</span>` : e(l10n.t('{0} behind', v.behindBy));
      const aliases =
        v.aliases
          .slice(0, NAMES_SHOWN)
          .map((a) => `${e(a.alias)} → ${e(a.version)}`)
          .join(', ') + more(v.aliases.length);
      return `<tr data-region="${e(row.target)}" data-version="${v.version}">${i === 0 ? region : '<td></td>'}<td>${v.version}</td><td><code>${e(v.sha256 ?? '—')}</code></td><td>${lag}</td><td class="num">${v.functions.length}</td><td>${shown}</td><td class="aliases">${aliases}</td></tr>`;
    })
    .join('\n');
}

/** What is left unlisted past NAMES_SHOWN. */
function more(count: number): string {
  return count > NAMES_SHOWN ? ` <span class="muted">${e(l10n.t('and {0} more', count - NAMES_SHOWN))}</span>` : '';
}

function card(label: string, value: string, note: string): string {
  return `<div class="card"><div class="label">${e(label)}</div><div class="value">${e(value)}</div>${note ? `<div class="note">${e(note)}</div>` : ''}</div>`;
}

export type RolloutPageRow = RolloutItem & Partial<Pick<RolloutRow, 'result' | 'canary' | 'reason'>>;

/** The rollout's result (or a dry run's plan, rows without a result): region, function, from → to, result, with a Save button. */
export function renderRolloutPage(
  layer: string,
  rows: readonly RolloutPageRow[],
  frame: PageFrame,
  planned: boolean,
): string {
  const label = (r: { result?: string }) => (planned ? l10n.t('planned') : resultLabel(r.result ?? ''));
  const badge = (r: { result?: string }) =>
    r.result === 'updated' ? 'ok' : r.result === 'failed' || r.result === 'rolled-back' ? 'fail' : 'info';
  const version = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
  const counts = planned
    ? []
    : ['updated', 'rolled-back', 'unchanged', 'failed'].map((k) =>
        card(resultLabel(k), String(rows.filter((r) => r.result === k).length), ''),
      );
  const body = `<div class="section-head"><h1>${e(planned ? l10n.t('Rollout plan: {0}', layer) : l10n.t('Rollout: {0}', layer))}</h1>
<button data-action="save">${e(l10n.t('Save Table…'))}</button></div>
${counts.length ? `<div class="cards">${counts.join('')}</div>` : ''}
<table id="rollout-table"><thead><tr><th>${e(l10n.t('Region'))}</th><th>${e(l10n.t('Function'))}</th><th>${e(l10n.t('From → To'))}</th><th>${e(l10n.t('Result'))}</th><th>${e(l10n.t('Why'))}</th></tr></thead>
<tbody>${rows
    .map(
      (r) =>
        `<tr><td>${e(r.target)}</td><td>${e(r.function)}${r.canary ? ` <span class="badge info">${e(l10n.t('canary'))}</span>` : ''}</td><td title="${e(`${r.from} → ${r.to}`)}">${e(version(r.from))} → ${e(version(r.to))}</td><td><span class="badge ${planned ? 'info' : badge(r)}">${e(label(r))}</span></td><td class="muted">${e(r.reason ?? '')}</td></tr>`,
    )
    .join('\n')}</tbody></table>`;
  return htmlDocument(frame, body, ACTION_SCRIPT);
}

function resultLabel(result: string): string {
  switch (result) {
    case 'updated':
      return l10n.t('updated');
    case 'rolled-back':
      return l10n.t('rolled back');
    case 'unchanged':
      return l10n.t('unchanged');
    default:
      return l10n.t('failed');
  }
}
