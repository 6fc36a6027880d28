import * as vscode from 'vscode';
import type { LayerNode } from '../../model/nodes';
import { md } from '../format';
import { ExplorerItem, type TreeContext } from './explorerItem';
import { LayerVersionItem } from './layerVersionItem';
import { StatusItem } from './statusItem';

/** A layer of the account; children are its versions, newest first. contextValue `layer`. */
export class LayerItem extends ExplorerItem {
  readonly name: string;
  /** The layer's ARN without version. */
  arn: string;

  constructor(layer: LayerNode) {
    super(layer.name, vscode.TreeItemCollapsibleState.Collapsed, undefined);
    this.name = layer.name;
    this.arn = layer.arn;
    this.id = `layer:${layer.name}`;
    this.contextValue = 'layer';
    this.iconPath = new vscode.ThemeIcon('layers');
    this.update(layer);
  }

  /** Takes the model's newer snapshot of this layer (the view then refreshes this element). */
  update(layer: LayerNode): void {
    this.arn = layer.arn;
    const latest = layer.latestVersion;
    const count = layer.versionsState === 'loaded' ? layer.versions.length : undefined;
    const parts = [latest !== undefined ? vscode.l10n.t('latest v{0}', latest) : undefined];
    if (count !== undefined)
      parts.push(count === 1 ? vscode.l10n.t('1 version') : vscode.l10n.t('{0} versions', count));
    this.description = parts.filter(Boolean).join(' · ');
    const tooltip = new vscode.MarkdownString(`**${md(layer.name)}**\n\n`);
    tooltip.appendText(layer.arn);
    this.tooltip = tooltip;
  }

  override getChildren(context: TreeContext): ExplorerItem[] {
    const layer = context.model.getLayer(this.name);
    if (!layer) return [];
    switch (layer.versionsState) {
      case 'loading':
        return [StatusItem.loading(this.id!, vscode.l10n.t('Loading versions…'), this)];
      case 'error':
        return [StatusItem.error(this.id!, context.describeError(layer.versionsError), this)];
      case 'loaded':
        return layer.versions.map((v) => new LayerVersionItem(v, this));
    }
  }
}
