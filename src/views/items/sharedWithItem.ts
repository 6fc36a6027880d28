import * as vscode from 'vscode';
import { targetText, type Grant } from '../../ops/sharing';
import { ExplorerItem, type TreeContext } from './explorerItem';
import { StatusItem } from './statusItem';

/** "Shared with" under a layer version: its policy's grants, loaded when expanded. contextValue `sharedWith`. */
export class SharedWithItem extends ExplorerItem {
  constructor(
    parent: ExplorerItem,
    readonly layerName: string,
    readonly version: number,
    readonly arn: string,
  ) {
    super(vscode.l10n.t('Shared with'), vscode.TreeItemCollapsibleState.Collapsed, parent);
    this.id = `${parent.id}/sharedWith`;
    this.contextValue = 'sharedWith';
    this.iconPath = new vscode.ThemeIcon('shield');
  }

  override getChildren(context: TreeContext): ExplorerItem[] {
    const state = context.policy(this);
    switch (state.status) {
      case 'loading':
        return [StatusItem.loading(this.id!, vscode.l10n.t('Loading policy…'), this)];
      case 'error':
        return [StatusItem.error(this.id!, state.message, this)];
      case 'loaded':
        return state.grants.length === 0
          ? [StatusItem.empty(this.id!, vscode.l10n.t('Nobody else: only this account can use it'), this)]
          : state.grants.map((g) => new GrantItem(this, g));
    }
  }
}

const GRANT_ICONS: Record<Grant['kind'], string> = {
  account: 'account',
  organization: 'organization',
  public: 'globe',
  other: 'question',
};

/** One statement of the policy: who, and its statement id. contextValue `layerGrant`. */
export class GrantItem extends ExplorerItem {
  constructor(
    readonly sharedWith: SharedWithItem,
    readonly grant: Grant,
  ) {
    super(targetText(grant), vscode.TreeItemCollapsibleState.None, sharedWith);
    this.id = `${sharedWith.id}/${grant.statementId}`;
    this.description = grant.statementId;
    this.tooltip = vscode.l10n.t(
      'Statement {0}: {1} may use {2}',
      grant.statementId,
      targetText(grant),
      sharedWith.arn,
    );
    this.contextValue = 'layerGrant';
    this.iconPath = new vscode.ThemeIcon(GRANT_ICONS[grant.kind]);
  }
}
