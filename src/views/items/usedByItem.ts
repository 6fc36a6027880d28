import * as vscode from 'vscode';
import { isProbeFunction } from '../../invoke/probe';
import { ExplorerItem } from './explorerItem';

/** "Used by (n)" under a layer version; children are the functions, click reveals one in the Functions view. */
export class UsedByItem extends ExplorerItem {
  constructor(
    parent: ExplorerItem,
    private readonly functionNames: readonly string[],
  ) {
    super(vscode.l10n.t('Used by ({0})', functionNames.length), vscode.TreeItemCollapsibleState.Collapsed, parent);
    this.id = `${parent.id}/usedBy`;
    this.contextValue = 'usedBy';
    this.iconPath = new vscode.ThemeIcon('references');
  }

  override getChildren(): ExplorerItem[] {
    return this.functionNames.map((name) => new UsedByFunctionItem(this, name));
  }
}

/** contextValue `usedByFunction`. */
export class UsedByFunctionItem extends ExplorerItem {
  constructor(
    parent: ExplorerItem,
    readonly functionName: string,
  ) {
    super(functionName, vscode.TreeItemCollapsibleState.None, parent);
    this.id = `${parent.id}/${functionName}`;
    this.contextValue = 'usedByFunction';
    const probe = isProbeFunction(functionName);
    this.iconPath = new vscode.ThemeIcon(probe ? 'beaker' : 'symbol-function');
    if (probe) this.description = vscode.l10n.t('import probe');
    this.tooltip = probe ? vscode.l10n.t('{0}: the probe function of Check Layer Imports', functionName) : functionName;
    this.command = {
      command: 'lambdaLayers.revealFunction',
      title: vscode.l10n.t('Reveal Function'),
      arguments: [functionName],
    };
  }
}
