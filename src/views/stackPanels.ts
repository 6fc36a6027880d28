import * as vscode from 'vscode';
import { makeNonce } from '../invoke/htmlPage';
import type { Comparison } from '../stack/compare';
import { renderComparePage, renderStackPage, sourceLabel, type StackPageModel } from '../stack/stackPage';

/** The Analyze Function page and the Compare page (one panel each, reused); `analysis`/`comparison` are what they show. */
export class StackPanels implements vscode.Disposable {
  private analysisPanel?: vscode.WebviewPanel;
  private comparePanel?: vscode.WebviewPanel;
  analysis?: StackPageModel;
  comparison?: Comparison;

  showAnalysis(model: StackPageModel): void {
    this.analysis = model;
    const title = vscode.l10n.t('Stack: {0}', model.report.functionName);
    const panel = (this.analysisPanel ??= this.create(
      'lambdaLayers.stack',
      title,
      () => (this.analysisPanel = undefined),
    ));
    panel.title = title;
    panel.webview.html = renderStackPage(model, {
      nonce: makeNonce(),
      cspSource: panel.webview.cspSource,
      title,
      locale: vscode.env.language,
    });
    panel.reveal(undefined, false);
  }

  showComparison(c: Comparison): void {
    this.comparison = c;
    const title = vscode.l10n.t('Compare: {0} → {1}', sourceLabel(c.before), sourceLabel(c.after));
    const panel = (this.comparePanel ??= this.create(
      'lambdaLayers.compare',
      title,
      () => (this.comparePanel = undefined),
    ));
    panel.title = title;
    panel.webview.html = renderComparePage(c, {
      nonce: makeNonce(),
      cspSource: panel.webview.cspSource,
      title,
      locale: vscode.env.language,
    });
    panel.reveal(undefined, false);
  }

  private create(viewType: string, title: string, onDispose: () => void): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, {
      enableScripts: false,
      localResourceRoots: [],
    });
    panel.onDidDispose(onDispose);
    return panel;
  }

  dispose(): void {
    this.analysisPanel?.dispose();
    this.comparePanel?.dispose();
  }
}
