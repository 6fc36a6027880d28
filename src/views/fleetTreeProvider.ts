import * as vscode from 'vscode';
import { layerFleet } from '../fleet/inventory';
import type { FleetScope, TargetState } from '../vscode/fleetScope';

export const FLEET_VIEW = 'lambdaLayers.fleet';

/** Regions shown expanded when the scope has at most this many. */
const EXPANDED_UP_TO = 4;

/** Layers listed under one region; past this a count row stands for the rest (the fleet page shows any layer). */
const LAYERS_SHOWN = 500;

/** A region of the scope: loading, its layers, or (opt-in region not enabled, access denied) an error node. */
export class FleetRegionItem extends vscode.TreeItem {
  /** `expanded`: a region's layers show without a click (a few regions in scope; a reload then keeps them open). */
  constructor(
    readonly state: TargetState,
    expanded = false,
  ) {
    super(
      state.target,
      state.status !== 'ok'
        ? vscode.TreeItemCollapsibleState.None
        : expanded
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed,
    );
    this.id = `fleet/${state.target}/${state.status}`;
    if (state.status === 'loading') {
      this.iconPath = new vscode.ThemeIcon('loading~spin');
      this.description = vscode.l10n.t('Loading…');
      this.contextValue = 'fleetRegion';
    } else if (state.status === 'error') {
      this.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      this.description = state.reason;
      this.tooltip = vscode.l10n.t('{0} could not be read: {1}', state.target, state.reason);
      this.contextValue = 'error';
    } else {
      this.iconPath = new vscode.ThemeIcon('globe');
      this.description = vscode.l10n.t('{0} layers · {1} functions', state.layers.size, state.functionCount);
      if (state.account) this.tooltip = vscode.l10n.t('{0}: account {1}', state.target, state.account);
      this.contextValue = 'fleetRegion';
    }
  }
}

/** A layer in one region: its newest version and how many functions there are behind it; opens the fleet page. */
export class FleetLayerItem extends vscode.TreeItem {
  constructor(
    readonly region: string,
    readonly layerName: string,
    latest: number,
    behind: number,
  ) {
    super(layerName, vscode.TreeItemCollapsibleState.None);
    this.id = `fleet/${region}/layer/${layerName}`;
    this.iconPath = new vscode.ThemeIcon(behind > 0 ? 'warning' : 'layers');
    this.description = behind > 0 ? vscode.l10n.t('v{0} · {1} behind', latest, behind) : `v${latest}`;
    this.contextValue = 'fleetLayer';
    this.command = { command: 'lambdaLayers.showFleet', title: vscode.l10n.t('Show Fleet'), arguments: [layerName] };
  }
}

/**
 * The Fleet view: the scope's regions, each with its layers as the inventory arrives. Before the first load
 * (and while the connection is not ready) it is empty, so its welcome content shows.
 */
export class FleetTreeProvider implements vscode.TreeDataProvider<vscode.TreeItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /**
   * The items handed out, reused while their state is the same object: VS Code asks for the children of the
   * elements it holds, and a fresh object for every call makes it lose track of them ("element not found").
   */
  private regionItems = new Map<TargetState, FleetRegionItem>();
  private readonly layerItems = new WeakMap<FleetRegionItem, vscode.TreeItem[]>();

  constructor(private readonly scope: FleetScope) {
    this.subscription = scope.onDidChangeInventory(() => this.changed.fire());
  }

  /**
   * Loads the scope's inventory whenever the view is visible and the scope (or connection) changed, and again
   * after the explorer saw layers or functions change (a publish, an attach): at once while visible, else when
   * the view shows next. Changes come in bursts (a refresh reports every page), so they settle for a second.
   */
  loadWhileVisible(
    view: vscode.TreeView<vscode.TreeItem>,
    isConnected: () => boolean,
    explorerChanges: vscode.Event<{ kind: string }>,
  ): vscode.Disposable {
    let stale = false;
    let settle: NodeJS.Timeout | undefined;
    const load = () => {
      if (!view.visible || !isConnected() || (this.scope.inventory.length > 0 && !stale)) return;
      const force = stale;
      stale = false;
      void this.scope.loadInventory(force);
    };
    const changed = (change: { kind: string }) => {
      if (change.kind === 'state' || this.scope.inventory.length === 0) return;
      clearTimeout(settle);
      settle = setTimeout(() => ((stale = true), load()), 1000);
    };
    const subscriptions = [
      view.onDidChangeVisibility(load),
      this.scope.onDidChange(load),
      explorerChanges(changed),
      new vscode.Disposable(() => clearTimeout(settle)),
    ];
    load();
    return new vscode.Disposable(() => subscriptions.forEach((s) => s.dispose()));
  }

  getTreeItem(item: vscode.TreeItem): vscode.TreeItem {
    return item;
  }

  getChildren(item?: vscode.TreeItem): vscode.TreeItem[] {
    if (!item) {
      const expanded = this.scope.inventory.length <= EXPANDED_UP_TO;
      this.regionItems = new Map(
        this.scope.inventory.map((s) => [s, this.regionItems.get(s) ?? new FleetRegionItem(s, expanded)]),
      );
      return [...this.regionItems.values()];
    }
    if (!(item instanceof FleetRegionItem) || item.state.status !== 'ok') return [];
    let children = this.layerItems.get(item);
    if (!children) this.layerItems.set(item, (children = this.layerRows(item.state)));
    return children;
  }

  private layerRows(inv: Extract<TargetState, { status: 'ok' }>): vscode.TreeItem[] {
    const names = [...inv.layers.keys()].sort((a, b) => a.localeCompare(b));
    const items: vscode.TreeItem[] = names.slice(0, LAYERS_SHOWN).map((name) => {
      const row = layerFleet([inv], name)[0];
      return row.status === 'ok'
        ? new FleetLayerItem(inv.target, name, row.latest, row.behind)
        : new FleetLayerItem(inv.target, name, 0, 0);
    });
    if (names.length > LAYERS_SHOWN)
      items.push(new vscode.TreeItem(vscode.l10n.t('and {0} more', names.length - LAYERS_SHOWN)));
    return items;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
