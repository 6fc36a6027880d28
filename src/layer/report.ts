import * as l10n from '@vscode/l10n';
import { formatBytes } from '../util/format';
import { escapeHtml } from '../util/html';
import { UNZIPPED_LIMIT, WARN_RATIO, type LayerManifest } from './manifest';

/** Every user-visible word of the report, so the shell can pass its own translations. */
export interface ReportLabels {
  /** "{0}" stands for the layer name. */
  title: string;
  packages: string;
  /** The first column's heading (one package per row). */
  package: string;
  version: string;
  size: string;
  files: string;
  total: string;
  zipped: string;
  limit: string;
  warnings: string;
  incompatible: string;
  sources: string;
  /** "{0}" stands for the local Python's version. */
  imports?: string;
  importModule?: string;
  importTime?: string;
  importShare?: string;
  withBytecode?: string;
  /** "{0}" stands for the percentage. */
  budgetShare?: string;
  /** "{0}" the size at the warning mark, "{1}" its share of the limit. */
  mark: string;
  /** Shown when the zip is larger than the unzipped content. */
  zipLarger: string;
  slim?: string;
  /** "{0}" files, "{1}" bytes. */
  slimRemoved?: string;
  /** "{0}" module count, "{1}" Python version. */
  slimVerified?: string;
  /** "{0}" why. */
  slimSkipped?: string;
  slimKeptBack?: string;
  /** "{0}" the module. */
  slimNeededBy?: string;
  slimUnverifiable?: string;
  /** Package table column: bytes slimming left out. */
  slimColumn?: string;
}

/** The layer's own import times, measured locally after the build (see src/stack/layerImports.ts). */
export interface ReportImports {
  python: string;
  /** Heaviest first. */
  timings: readonly { module: string; ms: number; share: number; msWithBytecode?: number; error?: string }[];
}

function defaultReportLabels(): ReportLabels {
  return {
    title: l10n.t('Layer {0}'),
    packages: l10n.t('Packages'),
    package: l10n.t('Package'),
    version: l10n.t('Version'),
    size: l10n.t('Installed size'),
    files: l10n.t('Files'),
    total: l10n.t('Unzipped'),
    zipped: l10n.t('Zipped'),
    limit: l10n.t('Lambda limit (function + layers)'),
    warnings: l10n.t('Warnings'),
    incompatible: l10n.t('Files that will not load on the target'),
    sources: l10n.t('Package sources'),
    mark: l10n.t('The mark at {0} is where builds start to warn ({1} of the limit).'),
    zipLarger: l10n.t(
      "The zip is larger than its content: in a layer this small, the zip's own entries (a header per file and folder) outweigh what compression saves.",
    ),
    ...importLabels(),
    ...slimLabels(),
  };
}

function slimLabels(): Required<Pick<ReportLabels, `slim${string}` & keyof ReportLabels>> {
  return {
    slim: l10n.t('Slim build'),
    slimRemoved: l10n.t('Left out: {0} files, {1} (tests, docs, examples, type stubs, C sources).'),
    slimVerified: l10n.t('Proven: {0} top-level modules imported from a read-only copy with Python {1}.'),
    slimSkipped: l10n.t('Not verified: {0}.'),
    slimKeptBack: l10n.t('Kept back because an import needed them'),
    slimNeededBy: l10n.t('needed to import {0}'),
    slimUnverifiable: l10n.t('Not provable here: these fail even with nothing left out'),
    slimColumn: l10n.t('Left out'),
  };
}

function importLabels(): Required<
  Pick<ReportLabels, 'imports' | 'importModule' | 'importTime' | 'importShare' | 'withBytecode' | 'budgetShare'>
> {
  return {
    imports: l10n.t('Import time, measured locally (Python {0})'),
    importModule: l10n.t('Module'),
    importTime: l10n.t('Import time'),
    importShare: l10n.t('Share of the total'),
    withBytecode: l10n.t('With bytecode'),
    budgetShare: l10n.t('{0}% of the budget'),
  };
}

export interface ReportOptions {
  /** CSP nonce for the one <style> element; the page has no script. */
  nonce: string;
  labels?: Partial<ReportLabels>;
  /** BCP 47 language of the labels, for the html lang attribute. */
  lang?: string;
  imports?: ReportImports;
}

/**
 * A self-contained HTML page for a manifest: packages largest first with bars, and the total against the
 * 250 MB limit. Bars are SVG rectangles sized by attributes, so the page needs no inline style attribute
 * and works under a CSP of `default-src 'none'; style-src 'nonce-…'`.
 */
export function renderReport(manifest: LayerManifest, options: ReportOptions): string {
  const labels = { ...defaultReportLabels(), ...stripUndefined(options.labels) };
  const e = escapeHtml;
  const nonce = e(options.nonce);
  const packages = [...manifest.packages].sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : 1));
  const largest = Math.max(1, ...packages.map((p) => p.size));
  const rows = packages
    .map(
      (p) => `<tr>
<td class="name" title="${e(p.topLevel.join(', '))}">${e(p.name)}</td>
<td>${e(p.version)}</td>
<td class="num">${e(formatBytes(p.size))}</td>
<td class="num">${e(p.files)}</td>
${manifest.slim ? `<td class="num">${p.slimmed ? e(formatBytes(p.slimmed.bytes)) : ''}</td>` : ''}
<td class="bar">${bar(p.size / largest, 'pkg')}</td>
</tr>`,
    )
    .join('\n');
  const share = manifest.unzippedSize / UNZIPPED_LIMIT;
  const level = share > 1 ? 'over' : share >= WARN_RATIO ? 'near' : 'ok';
  const warnings = manifest.warnings.length
    ? `<h2>${e(labels.warnings)}</h2><ul>${manifest.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>`
    : '';
  const incompatible = manifest.incompatibilities.length
    ? `<h2>${e(labels.incompatible)}</h2><ul>${manifest.incompatibilities
        .map((i) => `<li><code>${e(i.path)}</code> (${e(i.package)}): ${e(i.detail)}</li>`)
        .join('')}</ul>`
    : '';
  const sources = manifest.packageSources?.length
    ? `<h2>${e(labels.sources)}</h2><ul>${manifest.packageSources
        .map((s) => `<li><code>${e(s.url)}</code> · ${e(s.kind)} · ${e(s.from)}</li>`)
        .join('')}</ul>`
    : '';
  return `<!DOCTYPE html>
<html lang="${e(options.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(labels.title.replace('{0}', manifest.layerName))}</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family, system-ui, sans-serif); color: var(--vscode-foreground, #222); background: var(--vscode-editor-background, #fff); margin: 1em 2em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--vscode-panel-border, #ddd); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bar { width: 40%; }
svg.bar { width: 100%; height: 10px; display: block; }
svg.total { width: 100%; height: 16px; display: block; }
rect.track { fill: var(--vscode-editorWidget-background, #eee); }
rect.pkg, rect.ok { fill: var(--vscode-charts-blue, #3794ff); }
rect.near { fill: var(--vscode-charts-yellow, #cca700); }
rect.over { fill: var(--vscode-charts-red, #f14c4c); }
line.mark { stroke: var(--vscode-foreground, #222); stroke-width: 2; }
.meta { opacity: 0.8; }
</style>
</head>
<body>
<h1>${e(labels.title.replace('{0}', manifest.layerName))}</h1>
<p class="meta">${e(manifest.runtime)} · ${e(manifest.architecture)} · ${e(manifest.installer)} · sha256 ${e(manifest.sha256.slice(0, 12))}</p>
<p>${e(labels.total)}: <strong>${e(formatBytes(manifest.unzippedSize))}</strong> / ${e(formatBytes(UNZIPPED_LIMIT))} (${e(labels.limit)}) · <span id="budget-share">${e(labels.budgetShare!.replace('{0}', budgetPercent(share)))}</span> · ${e(labels.zipped)}: <strong>${e(formatBytes(manifest.zippedSize))}</strong></p>
${totalBar(share, level)}
<p class="meta">${e(labels.mark.replace('{0}', formatBytes(UNZIPPED_LIMIT * WARN_RATIO)).replace('{1}', `${Math.round(WARN_RATIO * 100)} %`))}</p>
${manifest.zippedSize > manifest.unzippedSize ? `<p class="meta">${e(labels.zipLarger)}</p>` : ''}
${importsSection(options.imports, labels)}
${slimSection(manifest, labels)}
${warnings}
${incompatible}
${sources}
<h2>${e(labels.packages)}</h2>
<table>
<thead><tr><th>${e(labels.package)}</th><th>${e(labels.version)}</th><th class="num">${e(labels.size)}</th><th class="num">${e(labels.files)}</th>${manifest.slim ? `<th class="num">${e(labels.slimColumn!)}</th>` : ''}<th></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

function bar(fraction: number, cls: string): string {
  const w = Math.max(0, Math.min(1000, Math.round(fraction * 1000)));
  return `<svg class="bar" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true"><rect class="track" width="1000" height="10"/><rect class="${cls}" width="${w}" height="10"/></svg>`;
}

/** The total against the limit, with a mark at the 80 % warning threshold. */
function totalBar(share: number, level: string): string {
  const w = Math.max(0, Math.min(1000, Math.round(share * 1000)));
  const mark = Math.round(WARN_RATIO * 1000);
  return `<svg class="total" viewBox="0 0 1000 16" preserveAspectRatio="none" role="img" aria-label="${escapeHtml(`${Math.round(share * 100)}%`)}"><rect class="track" width="1000" height="16"/><rect class="${level}" width="${w}" height="16"/><line class="mark" x1="${mark}" y1="0" x2="${mark}" y2="16"/></svg>`;
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** One decimal below 10 % (a small layer's share still shows), whole percents above. */
function budgetPercent(share: number): string {
  const percent = share * 100;
  return percent < 10 ? percent.toFixed(1) : String(Math.round(percent));
}

/** The import-time ranking, heaviest first, each with its share as a bar; nothing until it was measured. */
function importsSection(imports: ReportImports | undefined, labels: ReportLabels): string {
  if (!imports || imports.timings.length === 0) return '';
  const e = escapeHtml;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const rows = imports.timings
    .map(
      (t) => `<tr>
<td class="name">${e(t.module)}</td>
<td class="num">${t.error ? e(t.error) : e(ms(t.ms))}</td>
<td class="num">${e(`${Math.round(t.share * 100)}%`)}</td>
<td class="num">${t.msWithBytecode !== undefined ? e(ms(t.msWithBytecode)) : ''}</td>
<td class="bar">${bar(t.share, 'pkg')}</td>
</tr>`,
    )
    .join('\n');
  return `<h2 id="imports">${e(labels.imports!.replace('{0}', imports.python))}</h2>
<table id="import-table">
<thead><tr><th>${e(labels.importModule!)}</th><th class="num">${e(labels.importTime!)}</th><th class="num">${e(labels.importShare!)}</th><th class="num">${e(labels.withBytecode!)}</th><th></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

/** What a slim build left out, how it was proven, and each file kept back with the module that needed it. */
function slimSection(manifest: LayerManifest, labels: ReportLabels): string {
  const slim = manifest.slim;
  if (!slim) return '';
  const e = escapeHtml;
  const v = slim.verification;
  const proof = v.skipped
    ? labels.slimSkipped!.replace('{0}', v.skipped)
    : labels.slimVerified!.replace('{0}', String(v.verified.length)).replace('{1}', v.python ?? '');
  const kept = slim.keptBack.length
    ? `<h3>${e(labels.slimKeptBack!)}</h3><ul id="slim-kept">${slim.keptBack
        .map(
          (k) =>
            `<li><code>${e(k.path)}</code> (${e(k.package)}): ${e(labels.slimNeededBy!.replace('{0}', k.module))}</li>`,
        )
        .join('')}</ul>`
    : '';
  const unproven = v.unverifiable.length
    ? `<h3>${e(labels.slimUnverifiable!)}</h3><ul>${v.unverifiable
        .map((u) => `<li><code>${e(u.module)}</code>: ${e(u.error)}</li>`)
        .join('')}</ul>`
    : '';
  return `<h2 id="slim">${e(labels.slim!)}</h2>
<p>${e(labels.slimRemoved!.replace('{0}', String(slim.removedFiles)).replace('{1}', formatBytes(slim.removedBytes)))}</p>
<p id="slim-proof">${e(proof)}</p>
${kept}
${unproven}`;
}
