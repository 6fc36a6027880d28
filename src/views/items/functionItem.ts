import * as vscode from 'vscode';
import { isProbeFunction } from '../../invoke/probeName';
import type { FunctionNode } from '../../model/nodes';
import { formatDate, md } from '../format';
import { stackWarningsFor } from '../stackWarnings';
import { ExplorerItem, type TreeContext } from './explorerItem';
import { FunctionLayerItem } from './functionLayerItem';
import { versionGroups } from './functionVersionItems';

/** A function; children are its attached layers in order, then its published versions and aliases. contextValue `function`. */
export class FunctionItem extends ExplorerItem {
  readonly name: string;
  arn: string;

  constructor(fn: FunctionNode) {
    super(fn.name, vscode.TreeItemCollapsibleState.None, undefined);
    this.name = fn.name;
    this.arn = fn.arn;
    this.id = `function:${fn.name}`;
    this.contextValue = 'function';
    this.update(fn);
  }

  /** Takes the model's newer snapshot of this function (the view then refreshes this element). */
  update(fn: FunctionNode): void {
    this.arn = fn.arn;
    const outdated = fn.layers.some((l) => l.newerVersion !== undefined);
    const shadowed = stackWarningsFor(
      fn.name,
      fn.layers.map((l) => l.arn),
    );
    this.collapsibleState =
      fn.layers.length + fn.versions.length + fn.aliases.length > 0
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None;
    const probe = isProbeFunction(fn.name);
    this.iconPath = probe
      ? new vscode.ThemeIcon('beaker')
      : shadowed.length > 0
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
        : outdated
          ? new vscode.ThemeIcon('symbol-function', new vscode.ThemeColor('list.warningForeground'))
          : new vscode.ThemeIcon('symbol-function');
    this.description = [
      probe ? vscode.l10n.t('import probe') : undefined,
      fn.runtime ?? fn.packageType ?? '?',
      fn.architecture,
    ]
      .filter(Boolean)
      .join(' · ');
    this.tooltip = tooltip(fn, outdated, shadowed);
  }

  override getChildren(context: TreeContext): ExplorerItem[] {
    const fn = context.model.getFunction(this.name);
    if (!fn) return [];
    return [
      ...fn.layers.map((layer, index) => new FunctionLayerItem(this, layer, index, fn.layers.length)),
      ...versionGroups(this, fn),
    ];
  }
}

function tooltip(fn: FunctionNode, outdated: boolean, shadowed: string[]): vscode.MarkdownString {
  const rows: [string, string | undefined][] = [
    [vscode.l10n.t('Runtime'), fn.runtime ?? fn.packageType],
    [vscode.l10n.t('Architecture'), fn.architecture],
    [vscode.l10n.t('Handler'), fn.handler],
    [vscode.l10n.t('Memory'), fn.memory !== undefined ? `${fn.memory} MB` : undefined],
    [vscode.l10n.t('Timeout'), fn.timeout !== undefined ? `${fn.timeout} s` : undefined],
    [vscode.l10n.t('Last modified'), fn.lastModified ? formatDate(fn.lastModified) : undefined],
    [vscode.l10n.t('State'), [fn.state, fn.lastUpdateStatus].filter(Boolean).join(' / ') || undefined],
    [vscode.l10n.t('Layers'), String(fn.layers.length)],
    [vscode.l10n.t('Published versions'), fn.versions.length > 0 ? String(fn.versions.length) : undefined],
  ];
  const text = new vscode.MarkdownString(`**${md(fn.name)}**\n\n`);
  for (const [label, value] of rows) if (value) text.appendMarkdown(`${md(label)}: ${md(value)}  \n`);
  if (outdated)
    text.appendMarkdown(`\n$(arrow-circle-up) ${md(vscode.l10n.t('A newer version of an attached layer exists.'))}\n`);
  for (const w of shadowed) text.appendMarkdown(`\n$(warning) ${md(w)}  `);
  text.appendMarkdown('\n');
  text.appendText(fn.arn);
  text.supportThemeIcons = true;
  return text;
}
