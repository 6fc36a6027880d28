import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LayerManifest } from '../layer/manifest';
import { renderReport, type ReportImports, type ReportLabels } from '../layer/report';

const REPORT_VIEW_TYPE = 'lambdaLayers.buildReport';

/** Open report panels by manifest path: showing a report again reveals its panel, a rebuild updates it. */
const open = new Map<string, vscode.WebviewPanel>();

/**
 * The build report of one manifest in a webview: the pure HTML from `renderReport` (no scripts, a CSP
 * that allows only its nonce'd style element, colours from the theme's CSS variables).
 */
export function showReport(
  manifestPath: string,
  manifest: LayerManifest,
  imports?: ReportImports,
): vscode.WebviewPanel {
  const key = path.resolve(manifestPath);
  let panel = open.get(key);
  if (panel) {
    panel.reveal();
  } else {
    panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, '', vscode.ViewColumn.Active, {
      enableScripts: false,
      localResourceRoots: [],
    });
    open.set(key, panel);
    panel.onDidDispose(() => open.delete(key));
  }
  render(panel, manifest, imports);
  return panel;
}

/** After a rebuild: the open report of that manifest shows the new build. */
export function updateReportIfOpen(manifestPath: string, manifest: LayerManifest, imports?: ReportImports): void {
  const panel = open.get(path.resolve(manifestPath));
  if (panel) render(panel, manifest, imports);
}

/** Whether the report of this manifest is open (then a rebuild measures its imports again). */
export function isReportOpen(manifestPath: string): boolean {
  return open.has(path.resolve(manifestPath));
}

function render(panel: vscode.WebviewPanel, manifest: LayerManifest, imports?: ReportImports): void {
  panel.title = vscode.l10n.t('Layer report: {0}', manifest.layerName);
  panel.webview.html = renderReport(manifest, {
    nonce: randomBytes(16).toString('base64'),
    labels: reportLabels(),
    lang: vscode.env.language,
    imports,
  });
}

function reportLabels(): ReportLabels {
  return {
    title: vscode.l10n.t('Layer {0}'),
    packages: vscode.l10n.t('Packages'),
    package: vscode.l10n.t('Package'),
    version: vscode.l10n.t('Version'),
    size: vscode.l10n.t('Installed size'),
    files: vscode.l10n.t('Files'),
    total: vscode.l10n.t('Unzipped'),
    zipped: vscode.l10n.t('Zipped'),
    limit: vscode.l10n.t('Lambda limit (function + layers)'),
    warnings: vscode.l10n.t('Warnings'),
    incompatible: vscode.l10n.t('Files that will not load on the target'),
    sources: vscode.l10n.t('Package sources'),
    imports: vscode.l10n.t('Import time, measured locally (Python {0})'),
    importModule: vscode.l10n.t('Module'),
    importTime: vscode.l10n.t('Import time'),
    importShare: vscode.l10n.t('Share of the total'),
    withBytecode: vscode.l10n.t('With bytecode'),
    budgetShare: vscode.l10n.t('{0}% of the budget'),
    mark: vscode.l10n.t('The mark at {0} is where builds start to warn ({1} of the limit).'),
    zipLarger: vscode.l10n.t(
      "The zip is larger than its content: in a layer this small, the zip's own entries (a header per file and folder) outweigh what compression saves.",
    ),
  };
}
