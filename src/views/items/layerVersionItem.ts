import * as vscode from 'vscode';
import { isProbeFunction } from '../../invoke/probeName';
import type { LayerVersionNode } from '../../model/nodes';
import { formatBytes } from '../../util/format';
import { formatDate, listOrAny } from '../format';
import { DetailItem } from './detailItem';
import { ExplorerItem, type TreeContext } from './explorerItem';
import { SharedWithItem } from './sharedWithItem';
import { UsedByItem } from './usedByItem';

/** One published version; children are its details and the functions using it. contextValue `layerVersion`. */
export class LayerVersionItem extends ExplorerItem {
  readonly layerName: string;
  readonly version: number;
  readonly arn: string;

  constructor(v: LayerVersionNode, parent: ExplorerItem) {
    super(vscode.l10n.t('Version {0}', v.version), vscode.TreeItemCollapsibleState.Collapsed, parent);
    this.layerName = v.layerName;
    this.version = v.version;
    this.arn = v.arn;
    this.id = `layerVersion:${v.arn}`;
    this.contextValue = 'layerVersion';
    this.iconPath = new vscode.ThemeIcon('versions');
    // Probe functions of Check Layer Imports are counted apart: they are not the layer's users.
    const probes = v.usedBy.filter(isProbeFunction).length;
    const users = v.usedBy.length - probes;
    const count =
      users === 0
        ? vscode.l10n.t('unused')
        : users === 1
          ? vscode.l10n.t('1 function')
          : vscode.l10n.t('{0} functions', users);
    this.description = [
      probes > 0 ? vscode.l10n.t('{0} (+ import probe)', count) : count,
      v.created ? formatDate(v.created, { dateOnly: true }) : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    this.tooltip = v.description ? `${v.arn}\n${v.description}` : v.arn;
  }

  override getChildren(context: TreeContext): ExplorerItem[] {
    const v = context.model.getLayer(this.layerName)?.versions.find((x) => x.version === this.version);
    if (!v) return [];
    if (v.codeSize === undefined) context.requestDetails(v.layerName, v.version);
    const detail = (key: string, label: string, value: string) => new DetailItem(this, key, label, value);
    const items: ExplorerItem[] = [
      detail('arn', vscode.l10n.t('ARN'), v.arn),
      detail('runtimes', vscode.l10n.t('Runtimes'), listOrAny(v.runtimes)),
      detail('architectures', vscode.l10n.t('Architectures'), listOrAny(v.architectures)),
      detail('size', vscode.l10n.t('Size'), v.codeSize !== undefined ? formatBytes(v.codeSize) : '…'),
    ];
    if (v.created) items.push(detail('created', vscode.l10n.t('Created'), formatDate(v.created)));
    if (v.description) items.push(detail('description', vscode.l10n.t('Description'), v.description));
    if (v.license) items.push(detail('license', vscode.l10n.t('License'), v.license));
    items.push(
      v.usedBy.length > 0
        ? new UsedByItem(this, v.usedBy)
        : detail('usedBy', vscode.l10n.t('Used by'), vscode.l10n.t('no functions')),
      new SharedWithItem(this, v.layerName, v.version, v.arn),
    );
    return items;
  }
}
