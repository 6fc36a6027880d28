import * as vscode from 'vscode';
import { scopeText } from '../fleet/scopeText';
import type { ConnectionController } from '../vscode/connectionController';
import type { FleetScope } from '../vscode/fleetScope';

/** `profile @ region` (or `Local @ region`, `prod @ 3 regions` for a scope of several) in the status bar; a click switches the connection. */
export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'lambdaLayers.connection',
    vscode.StatusBarAlignment.Left,
    50,
  );
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly connection: ConnectionController,
    private readonly scope: FleetScope,
  ) {
    this.item.name = vscode.l10n.t('Lambda Layers Connection');
    this.item.command = 'lambdaLayers.switchConnection';
    this.subscriptions = [connection.onDidChange(() => this.render()), scope.onDidChange(() => this.render())];
    this.render();
    this.item.show();
  }

  /** What the status bar shows now (the in-editor tests read it). */
  get text(): string {
    return this.item.text;
  }

  private render(): void {
    const live = this.connection.current;
    const state = this.connection.state;
    this.item.backgroundColor = undefined;
    if (state === 'connecting') {
      this.item.text = `$(sync~spin) ${vscode.l10n.t('Lambda Layers: connecting…')}`;
      this.item.tooltip = undefined;
    } else if (live && state === 'ready') {
      const { endpoint } = live.settings;
      const name = live.isLocal ? vscode.l10n.t('Local') : (live.profile ?? vscode.l10n.t('default'));
      const { regions, profiles } = this.scope;
      this.item.text = `$(${live.isLocal ? 'vm' : 'cloud'}) ${scopeText(name, regions, profiles)}`;
      this.item.tooltip = [
        live.isLocal ? vscode.l10n.t('Lambda Layers: local endpoint') : vscode.l10n.t('Lambda Layers: AWS'),
        endpoint ?? '',
        regions.length > 1 || profiles.length > 1
          ? vscode.l10n.t('Fleet scope: {0}', [...profiles, ...regions].join(', '))
          : '',
        vscode.l10n.t('Click to switch the connection'),
      ]
        .filter(Boolean)
        .join('\n');
    } else {
      const label =
        state === 'noCredentials'
          ? vscode.l10n.t('No AWS credentials')
          : state === 'expired'
            ? vscode.l10n.t('AWS credentials expired')
            : vscode.l10n.t('Not connected');
      this.item.text = `$(warning) ${label}`;
      this.item.tooltip = this.connection.problem ?? vscode.l10n.t('Click to switch the connection');
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
