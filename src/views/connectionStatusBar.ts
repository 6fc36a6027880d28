import * as vscode from 'vscode';
import type { ConnectionController } from '../vscode/connectionController';

/** `profile @ region` (or `Local @ region`) in the status bar; a click switches the connection. */
export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lambdaLayers.connection', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly connection: ConnectionController) {
    this.item.name = vscode.l10n.t('Lambda Layers Connection');
    this.item.command = 'lambdaLayers.switchConnection';
    this.subscription = connection.onDidChange(() => this.render());
    this.render();
    this.item.show();
  }

  private render(): void {
    const live = this.connection.current;
    const state = this.connection.state;
    this.item.backgroundColor = undefined;
    if (state === 'connecting') {
      this.item.text = `$(sync~spin) ${vscode.l10n.t('Lambda Layers: connecting…')}`;
      this.item.tooltip = undefined;
    } else if (live && state === 'ready') {
      const { region, endpoint } = live.settings;
      const name = live.isLocal ? vscode.l10n.t('Local') : (live.profile ?? vscode.l10n.t('default'));
      this.item.text = `$(${live.isLocal ? 'vm' : 'cloud'}) ${name} @ ${region}`;
      this.item.tooltip = [
        live.isLocal ? vscode.l10n.t('Lambda Layers: local endpoint') : vscode.l10n.t('Lambda Layers: AWS'),
        endpoint ?? '',
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
    this.subscription.dispose();
    this.item.dispose();
  }
}
