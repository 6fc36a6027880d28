import * as vscode from 'vscode';
import type { AliasNode, AttachedLayer, FunctionNode, FunctionVersionNode } from '../../model/nodes';
import { formatDate, md } from '../format';
import { ExplorerItem, type TreeContext } from './explorerItem';
import { FunctionLayerItem } from './functionLayerItem';

type FunctionParent = ExplorerItem & { name: string };

/** The groups under a function after its layers: its published versions and its aliases, when it has any. */
export function versionGroups(parent: FunctionParent, fn: FunctionNode): ExplorerItem[] {
  return [
    // Versions newest first, as layer versions are.
    ...(fn.versions.length > 0
      ? [
          new FunctionGroupItem(
            parent,
            vscode.l10n.t('Published versions ({0})', fn.versions.length),
            'functionVersions',
            'versions',
            (group, node) => [...node.versions].reverse().map((v) => new FunctionVersionItem(group, v, node.aliases)),
          ),
        ]
      : []),
    ...(fn.aliases.length > 0
      ? [
          new FunctionGroupItem(
            parent,
            vscode.l10n.t('Aliases ({0})', fn.aliases.length),
            'functionAliases',
            'tag',
            (group, node) => node.aliases.map((a) => new AliasItem(group, a, node)),
          ),
        ]
      : []),
  ];
}

/**
 * A layer a published version (or an alias through it) pins. contextValue `pinnedLayer`: a version cannot
 * change, so none of the attach/detach/update actions of `functionLayer` apply, nor a "newer version" mark.
 */
class PinnedLayerItem extends FunctionLayerItem {
  constructor(parent: FunctionParent, layer: AttachedLayer, index: number, count: number) {
    super(parent, { ...layer, newerVersion: undefined }, index, count);
    this.contextValue = 'pinnedLayer';
  }
}

const pinned = (parent: FunctionParent, layers: AttachedLayer[]) =>
  layers.map((l, i) => new PinnedLayerItem(parent, l, i, layers.length));

const layerCount = (n: number) => (n === 1 ? vscode.l10n.t('1 layer') : vscode.l10n.t('{0} layers', n));

/** A group under a function ("Published versions (n)", "Aliases (n)") whose children come from its node. contextValue as given. */
class FunctionGroupItem extends ExplorerItem {
  constructor(
    readonly fnItem: FunctionParent,
    label: string,
    contextValue: string,
    icon: string,
    private readonly children: (group: FunctionGroupItem, fn: FunctionNode) => ExplorerItem[],
  ) {
    super(label, vscode.TreeItemCollapsibleState.Collapsed, fnItem);
    this.id = `${fnItem.id}/${contextValue}`;
    this.contextValue = contextValue;
    this.iconPath = new vscode.ThemeIcon(icon);
  }

  override getChildren(context: TreeContext): ExplorerItem[] {
    const fn = context.model.getFunction(this.fnItem.name);
    return fn ? this.children(this, fn) : [];
  }
}

/** One published version; children are the layers it pins. contextValue `functionVersion`. */
export class FunctionVersionItem extends ExplorerItem {
  readonly name: string;
  readonly version: string;
  private readonly layers: AttachedLayer[];

  constructor(parent: FunctionGroupItem, v: FunctionVersionNode, aliases: AliasNode[]) {
    super(
      vscode.l10n.t('Version {0}', v.version),
      v.layers.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
      parent,
    );
    this.name = v.functionName;
    this.version = v.version;
    this.id = `${parent.id}/${v.version}`;
    this.contextValue = 'functionVersion';
    this.iconPath = new vscode.ThemeIcon('git-commit');
    const names = aliases
      .filter((a) => a.functionVersion === v.version || a.additionalVersion === v.version)
      .map((a) => a.name);
    this.description = [
      names.join(', '),
      layerCount(v.layers.length),
      v.lastModified ? formatDate(v.lastModified, { dateOnly: true }) : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    const tooltip = new vscode.MarkdownString(`**${md(`${v.functionName}:${v.version}`)}**\n\n`);
    if (v.description) tooltip.appendMarkdown(`${md(v.description)}\n\n`);
    if (v.lastModified)
      tooltip.appendMarkdown(`${md(vscode.l10n.t('Published: {0}', formatDate(v.lastModified)))}\n\n`);
    tooltip.appendMarkdown(
      `${md(vscode.l10n.t('A published version keeps the code, configuration and layers it had when it was published.'))}\n\n`,
    );
    tooltip.appendText(v.arn);
    this.tooltip = tooltip;
    this.layers = v.layers;
  }

  override getChildren(): ExplorerItem[] {
    return pinned(this, this.layers);
  }
}

/** An alias: the version it invokes (and the weighted second one); children are the layers that version pins. contextValue `functionAlias`. */
export class AliasItem extends ExplorerItem {
  readonly name: string;
  private readonly layers: AttachedLayer[];

  constructor(parent: FunctionGroupItem, a: AliasNode, fn: FunctionNode) {
    const target =
      a.functionVersion === '$LATEST'
        ? fn.layers
        : (fn.versions.find((v) => v.version === a.functionVersion)?.layers ?? []);
    super(
      a.name,
      target.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
      parent,
    );
    this.name = a.functionName;
    this.layers = target;
    this.id = `${parent.id}/${a.name}`;
    this.contextValue = 'functionAlias';
    this.iconPath = new vscode.ThemeIcon('tag');
    const weight = a.additionalWeight ?? 0;
    this.description =
      a.additionalVersion !== undefined
        ? vscode.l10n.t(
            '→ {0} ({1}%), {2} ({3}%)',
            a.functionVersion,
            Math.round((1 - weight) * 100),
            a.additionalVersion,
            Math.round(weight * 100),
          )
        : vscode.l10n.t('→ {0}', a.functionVersion);
    const tooltip = new vscode.MarkdownString(`**${md(a.name)}** ${md(String(this.description))}\n\n`);
    if (a.description) tooltip.appendMarkdown(`${md(a.description)}\n\n`);
    tooltip.appendMarkdown(`${md(vscode.l10n.t('Its layers are those of version {0}.', a.functionVersion))}\n\n`);
    tooltip.appendText(a.arn);
    this.tooltip = tooltip;
  }

  override getChildren(): ExplorerItem[] {
    return pinned(this, this.layers);
  }
}
