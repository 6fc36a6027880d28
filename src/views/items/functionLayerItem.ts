import * as vscode from 'vscode';
import type { AttachedLayer } from '../../model/nodes';
import { formatBytes } from '../../util/format';
import { md } from '../format';
import { ExplorerItem } from './explorerItem';

/**
 * A layer version attached to a function. contextValue `functionLayer`, plus `.outdated` when the
 * account has a newer version and `.external` for another account's (or an unlisted) layer.
 */
export class FunctionLayerItem extends ExplorerItem {
  readonly functionName: string;
  readonly layerName: string;
  readonly version: number;
  /** The attached layer version ARN. */
  readonly arn: string;
  readonly newerVersion?: number;
  readonly external: boolean;

  constructor(parent: ExplorerItem & { name: string }, layer: AttachedLayer, index: number, count: number) {
    super(
      layer.version > 0 ? `${layer.layerName}:${layer.version}` : layer.arn,
      vscode.TreeItemCollapsibleState.None,
      parent,
    );
    this.functionName = parent.name;
    this.layerName = layer.layerName;
    this.version = layer.version;
    this.arn = layer.arn;
    this.newerVersion = layer.newerVersion;
    this.external = layer.external;
    this.id = `${parent.id}/layer:${index}:${layer.arn}`;
    this.contextValue = [
      'functionLayer',
      layer.newerVersion !== undefined ? 'outdated' : '',
      layer.external ? 'external' : '',
    ]
      .filter(Boolean)
      .join('.');

    const size = layer.codeSize !== undefined ? formatBytes(layer.codeSize) : undefined;
    const newer = layer.newerVersion !== undefined ? vscode.l10n.t('v{0} available', layer.newerVersion) : undefined;
    this.description = [size, newer, layer.external ? vscode.l10n.t('external') : undefined]
      .filter(Boolean)
      .join(' · ');
    this.iconPath =
      layer.newerVersion !== undefined
        ? new vscode.ThemeIcon('arrow-circle-up', new vscode.ThemeColor('list.warningForeground'))
        : new vscode.ThemeIcon(layer.external ? 'link-external' : 'layers');

    const tooltip = new vscode.MarkdownString(`**${md(String(this.label))}**\n\n`);
    tooltip.appendMarkdown(
      `${md(vscode.l10n.t('Position {0} of {1}: later layers overwrite files of earlier ones in /opt.', index + 1, count))}\n\n`,
    );
    if (size) tooltip.appendMarkdown(`${md(vscode.l10n.t('Size: {0}', size))}\n\n`);
    if (newer)
      tooltip.appendMarkdown(
        `${md(vscode.l10n.t('Version {0} of this layer is newer than the attached one.', layer.newerVersion!))}\n\n`,
      );
    if (layer.external)
      tooltip.appendMarkdown(
        `${md(vscode.l10n.t("External: from another account, or not among this account's layers."))}\n\n`,
      );
    tooltip.appendText(layer.arn);
    this.tooltip = tooltip;
  }
}
