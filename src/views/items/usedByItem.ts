import * as vscode from 'vscode';
import { isProbeFunction } from '../../invoke/probeName';
import { ExplorerItem } from './explorerItem';

/** "Used by (n)" under a layer version; children are the function versions, click reveals the function in the Functions view. */
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

/** `f1`, or `f1:3` for a published version of f1 (which reveals f1). contextValue `usedByFunction`. */
export class UsedByFunctionItem extends ExplorerItem {
  readonly functionName: string;

  constructor(parent: ExplorerItem, user: string) {
    super(user, vscode.TreeItemCollapsibleState.None, parent);
    const [name, version] = user.split(':');
    this.functionName = name;
    this.id = `${parent.id}/${user}`;
    this.contextValue = 'usedByFunction';
    const probe = isProbeFunction(name);
    this.iconPath = new vscode.ThemeIcon(probe ? 'beaker' : version ? 'git-commit' : 'symbol-function');
    if (probe) this.description = vscode.l10n.t('import probe');
    this.tooltip = probe
      ? vscode.l10n.t('{0}: the probe function of Check Layer Imports', name)
      : version
        ? vscode.l10n.t('Published version {0} of {1}', version, name)
        : name;
    this.command = {
      command: 'lambdaLayers.revealFunction',
      title: vscode.l10n.t('Reveal Function'),
      arguments: [name],
    };
  }
}
