import * as vscode from 'vscode';
import { addToHistory, historyEntry, historyFor, restoreHistory } from '../invoke/history';
import { makeNonce } from '../invoke/htmlPage';
import type { InvokeView } from '../invoke/result';
import {
  displayFromHistory,
  displayFromView,
  renderInvokePage,
  type InvokePageMessage,
  type InvokePageModel,
  type ResultDisplay,
} from '../invoke/resultPage';
import type { Log } from '../util/log';

const HISTORY_KEY = 'lambdaLayers.invokeHistory';
/** Full results (log, stack) of this session, per history key; stored entries keep only a preview. */
const SESSION_RESULTS = 10;

export interface ShownResult {
  /** History key: the function name, or e.g. `handler (local)` for a local run. */
  key: string;
  functionName: string;
  /** Where it ran, for the page's subtitle. */
  target: string;
  view: InvokeView;
  at: Date;
  eventName?: string;
  warnings?: string[];
  /** Repeats the invoke ("Invoke Again"). */
  rerun?: () => unknown;
}

/**
 * The one "Invoke Result" editor panel: the latest result of a function in full, with the recent
 * results of the same function (kept in workspaceState) to switch between.
 */
export class InvokeResultPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private current?: { model: InvokePageModel; rerun?: () => unknown };
  private readonly session = new Map<string, ResultDisplay[]>();

  constructor(
    private readonly storage: vscode.Memento,
    private readonly log: Log,
  ) {}

  /** What the page shows now (the in-editor tests read it). */
  get model(): InvokePageModel | undefined {
    return this.current?.model;
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** Records the result in the history and shows it. */
  async show(result: ShownResult): Promise<void> {
    const display = displayFromView(result.view, result.at, result.eventName, result.warnings);
    const full = [display, ...(this.session.get(result.key) ?? [])].slice(0, SESSION_RESULTS);
    this.session.set(result.key, full);
    const history = addToHistory(
      restoreHistory(this.storage.get(HISTORY_KEY)),
      result.key,
      historyEntry(result.view, result.at, result.eventName),
    );
    await this.storage.update(HISTORY_KEY, history);

    const byTime = new Map(full.map((d) => [d.at, d]));
    const results = historyFor(history, result.key).map((entry) => byTime.get(entry.at) ?? displayFromHistory(entry));
    this.current = {
      model: {
        functionName: result.functionName,
        target: result.target,
        results,
        selected: 0,
        canRerun: result.rerun !== undefined,
      },
      rerun: result.rerun,
    };
    this.render();
  }

  private render(): void {
    const model = this.current?.model;
    if (!model) return;
    const title = vscode.l10n.t('Invoke: {0}', model.functionName);
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'lambdaLayers.invokeResult',
        title,
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
        { enableScripts: true, localResourceRoots: [] },
      );
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((m: InvokePageMessage) => this.onMessage(m));
    } else {
      this.panel.reveal(undefined, false);
    }
    this.panel.title = title;
    this.panel.webview.html = renderInvokePage(model, {
      nonce: makeNonce(),
      cspSource: this.panel.webview.cspSource,
      title,
      locale: vscode.env.language,
    });
  }

  private onMessage(message: InvokePageMessage): void {
    const current = this.current;
    if (!current) return;
    const model = current.model;
    switch (message?.type) {
      case 'select': {
        const index = Number(message.value);
        if (Number.isInteger(index) && index >= 0 && index < model.results.length) {
          current.model = { ...model, selected: index };
          this.render();
        }
        return;
      }
      case 'copy':
        void vscode.env.clipboard.writeText(model.results[model.selected]?.payload ?? '');
        void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the response'), 3000);
        return;
      case 'rerun':
        Promise.resolve(current.rerun?.()).catch((e: unknown) => this.log.error('Invoke again failed', e));
        return;
    }
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
