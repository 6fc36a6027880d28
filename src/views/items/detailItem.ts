import * as vscode from 'vscode';
import { ExplorerItem } from './explorerItem';

/** A "label: value" row under a layer version. contextValue `detail`. */
export class DetailItem extends ExplorerItem {
  constructor(
    parent: ExplorerItem,
    key: string,
    label: string,
    readonly value: string,
  ) {
    super(label, vscode.TreeItemCollapsibleState.None, parent);
    this.id = `${parent.id}/${key}`;
    this.description = value;
    this.tooltip = value;
    this.contextValue = 'detail';
  }
}
