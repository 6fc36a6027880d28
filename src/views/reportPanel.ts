import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LayerManifest } from '../layer/manifest';
import { renderReport, type ReportLabels } from '../layer/report';

const REPORT_VIEW_TYPE = 'lambdaLayers.buildReport';

/** Open report panels by manifest path: showing a report again reveals its panel, a rebuild updates it. */
const open = new Map<string, vscode.WebviewPanel>();

/**
 * The build report of one manifest in a webview: the pure HTML from `renderReport` (no scripts, a CSP
 * that allows only its nonce'd style element, colours from the theme's CSS variables).
 */
export function showReport(manifestPath: string, manifest: LayerManifest): vscode.WebviewPanel {
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
  render(panel, manifest);
  return panel;
}

/** After a rebuild: the open report of that manifest shows the new build. */
export function updateReportIfOpen(manifestPath: string, manifest: LayerManifest): void {
  const panel = open.get(path.resolve(manifestPath));
  if (panel) render(panel, manifest);
}

function render(panel: vscode.WebviewPanel, manifest: LayerManifest): void {
  panel.title = vscode.l10n.t('Layer report: {0}', manifest.layerName);
  panel.webview.html = renderReport(manifest, {
    nonce: randomBytes(16).toString('base64'),
    labels: reportLabels(),
    lang: vscode.env.language,
  });
}

function reportLabels(): ReportLabels {
  return {
    title: vscode.l10n.t('Layer {0}'),
    packages: vscode.l10n.t('Packages'),
    version: vscode.l10n.t('Version'),
    size: vscode.l10n.t('Installed size'),
    files: vscode.l10n.t('Files'),
    total: vscode.l10n.t('Unzipped'),
    zipped: vscode.l10n.t('Zipped'),
    limit: vscode.l10n.t('Lambda limit (function + layers)'),
    warnings: vscode.l10n.t('Warnings'),
    incompatible: vscode.l10n.t('Files that will not load on the target'),
    sources: vscode.l10n.t('Package sources'),
  };
}
