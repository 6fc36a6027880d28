import * as vscode from 'vscode';
import { renderFleetPage, renderRolloutPage, type FleetPageRow, type RolloutPageRow } from '../fleet/fleetPage';
import { layerFleet } from '../fleet/inventory';
import { rolloutTable } from '../fleet/table';
import { makeNonce } from '../invoke/htmlPage';
import { writeFileAtomic } from '../util/fsAtomic';
import type { FleetScope } from '../vscode/fleetScope';

/**
 * The fleet page of a layer (redrawn as each region of the scope arrives) and the rollout page (plan or
 * result, with Save Table…). One panel each, reused; `fleet` and `rollout` are what they show (tests read them).
 */
export class FleetPanels implements vscode.Disposable {
  private fleetPanel?: vscode.WebviewPanel;
  private rolloutPanel?: vscode.WebviewPanel;
  fleet?: { layer: string; rows: FleetPageRow[] };
  rollout?: { layer: string; rows: RolloutPageRow[]; planned: boolean };
  private readonly subscription: vscode.Disposable;

  constructor(private readonly scope: FleetScope) {
    this.subscription = scope.onDidChangeInventory(() => this.fleet && this.drawFleet(this.fleet.layer));
  }

  /** Shows the layer across the scope, loading the scope's inventory if it is not there yet. */
  showLayer(layer: string): void {
    const panel = (this.fleetPanel ??= this.create('lambdaLayers.fleet', (p) => {
      p.webview.onDidReceiveMessage((m: { type?: string }) => {
        const shown = this.fleet?.layer;
        if (m.type === 'rollOut' && shown) void vscode.commands.executeCommand('lambdaLayers.rollOut', shown);
        if (m.type === 'refresh') void this.scope.loadInventory(true);
      });
      p.onDidDispose(() => ((this.fleetPanel = undefined), (this.fleet = undefined)));
    }));
    this.drawFleet(layer);
    panel.reveal(undefined, false);
    if (this.scope.inventory.length === 0) void this.scope.loadInventory();
  }

  showRollout(layer: string, rows: RolloutPageRow[], planned: boolean): void {
    this.rollout = { layer, rows, planned };
    const title = planned ? vscode.l10n.t('Rollout plan: {0}', layer) : vscode.l10n.t('Rollout: {0}', layer);
    const panel = (this.rolloutPanel ??= this.create('lambdaLayers.rollout', (p) => {
      p.webview.onDidReceiveMessage((m: { type?: string }) => m.type === 'save' && void this.saveRollout());
      p.onDidDispose(() => (this.rolloutPanel = undefined));
    }));
    panel.title = title;
    panel.webview.html = renderRolloutPage(layer, rows, this.frame(panel, title), planned);
    panel.reveal(undefined, false);
  }

  /** Save Table…: JSON or CSV by the extension the user picks. */
  async saveRollout(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const shown = this.rollout;
    if (!shown) return undefined;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Save Table'),
        defaultUri: vscode.Uri.file(`rollout-${shown.layer}.csv`),
        filters: { CSV: ['csv'], JSON: ['json'] },
      }));
    if (!uri) return undefined;
    const rows = shown.rows.map((r) => ({
      ...r,
      result: r.result ?? 'unchanged',
      canary: r.canary ?? false,
      reason: r.reason ?? (shown.planned ? 'planned' : undefined),
    }));
    await writeFileAtomic(uri.fsPath, rolloutTable(rows, uri.fsPath.toLowerCase().endsWith('.json') ? 'json' : 'csv'));
    return uri;
  }

  private drawFleet(layer: string): void {
    const rows = this.scope.inventory.map((s): FleetPageRow =>
      s.status === 'loading' ? s : layerFleet([s], layer)[0],
    );
    this.fleet = { layer, rows };
    const panel = this.fleetPanel;
    if (!panel) return;
    const title = vscode.l10n.t('Fleet: {0}', layer);
    panel.title = title;
    panel.webview.html = renderFleetPage(layer, rows, this.frame(panel, title));
  }

  private frame(panel: vscode.WebviewPanel, title: string) {
    return { nonce: makeNonce(), cspSource: panel.webview.cspSource, title, locale: vscode.env.language };
  }

  private create(viewType: string, wire: (panel: vscode.WebviewPanel) => void): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(viewType, '', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [],
    });
    wire(panel);
    return panel;
  }

  dispose(): void {
    this.subscription.dispose();
    this.fleetPanel?.dispose();
    this.rolloutPanel?.dispose();
  }
}
