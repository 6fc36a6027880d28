import * as vscode from 'vscode';
import { makeNonce } from '../invoke/htmlPage';
import { renderProbePage, type ProbePageMessage, type ProbePageModel } from '../invoke/probePage';

/** The "Layer Imports" editor panel: the import check's table per layer version, and the probe clean-up. */
export class ProbeResultPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private current?: ProbePageModel;

  /** What the page shows now (the in-editor tests read it). */
  get model(): ProbePageModel | undefined {
    return this.current;
  }

  show(model: ProbePageModel): void {
    this.current = model;
    const title = vscode.l10n.t('Layer Imports: {0}', model.subject);
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('lambdaLayers.layerImports', title, vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((m: ProbePageMessage) => {
        if (m?.type === 'deleteProbe' && typeof m.value === 'string') {
          void vscode.commands.executeCommand('lambdaLayers.deleteProbeFunction', m.value);
        }
      });
    } else {
      this.panel.reveal(undefined, false);
    }
    this.panel.title = title;
    this.panel.webview.html = renderProbePage(model, {
      nonce: makeNonce(),
      cspSource: this.panel.webview.cspSource,
      title,
      locale: vscode.env.language,
    });
  }

  /** After a probe function was deleted: the page stops offering it. */
  probeDeleted(functionName: string): void {
    const model = this.current;
    if (!model?.probeFunctions.includes(functionName)) return;
    const next = { ...model, probeFunctions: model.probeFunctions.filter((f) => f !== functionName) };
    if (this.panel) this.show(next);
    else this.current = next;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
