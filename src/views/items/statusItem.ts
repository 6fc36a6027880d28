import * as vscode from 'vscode';
import { ExplorerItem } from './explorerItem';

export type StatusKind = 'loading' | 'empty' | 'error' | 'loadMore';

/**
 * The one node for every non-data row: loading, empty, error (click shows the log) and "load more".
 * `contextValue` is the kind, so menus can target the error node.
 */
export class StatusItem extends ExplorerItem {
  private constructor(
    readonly kind: StatusKind,
    label: string,
    parent: ExplorerItem | undefined,
    scope: string,
  ) {
    super(label, vscode.TreeItemCollapsibleState.None, parent);
    this.id = `${scope}/status:${kind}`;
    this.contextValue = kind;
  }

  static loading(scope: string, label: string, parent?: ExplorerItem): StatusItem {
    const item = new StatusItem('loading', label, parent, scope);
    item.iconPath = new vscode.ThemeIcon('loading~spin');
    return item;
  }

  static empty(scope: string, label: string, parent?: ExplorerItem): StatusItem {
    const item = new StatusItem('empty', label, parent, scope);
    item.iconPath = new vscode.ThemeIcon('info');
    return item;
  }

  /** Shows the message; the full text is in the tooltip and the log. */
  static error(scope: string, message: string, parent?: ExplorerItem): StatusItem {
    const item = new StatusItem('error', message, parent, scope);
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.tooltip = message;
    item.command = { command: 'lambdaLayers.showLog', title: vscode.l10n.t('Show Log') };
    return item;
  }

  /** A root row; `viewId` goes to `lambdaLayers.loadMore` so it knows which view to extend. */
  static loadMore(viewId: string, remaining: number): StatusItem {
    const item = new StatusItem('loadMore', vscode.l10n.t('Show more ({0} not shown)', remaining), undefined, viewId);
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.command = { command: 'lambdaLayers.loadMore', title: vscode.l10n.t('Load More'), arguments: [viewId] };
    return item;
  }
}
