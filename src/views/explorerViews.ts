import * as vscode from 'vscode';
import type { Log } from '../util/log';
import type { ConnectionController } from '../vscode/connectionController';
import type { ExplorerHost } from '../vscode/explorerHost';
import type { ExplorerItem } from './items/explorerItem';
import { LayerVersionItem } from './items/layerVersionItem';
import { FunctionsTreeProvider } from './functionsTreeProvider';
import { LayersTreeProvider } from './layersTreeProvider';

export const LAYERS_VIEW = 'lambdaLayers.layers';
export const FUNCTIONS_VIEW = 'lambdaLayers.functions';

/** The two explorer views: their providers (tests read children through them) and tree views (for reveal). */
export class ExplorerViews implements vscode.Disposable {
  readonly layers: LayersTreeProvider;
  readonly functions: FunctionsTreeProvider;
  readonly layersView: vscode.TreeView<ExplorerItem>;
  readonly functionsView: vscode.TreeView<ExplorerItem>;

  constructor(connection: ConnectionController, explorer: ExplorerHost, log: Log) {
    this.layers = new LayersTreeProvider(LAYERS_VIEW, connection, explorer, log);
    this.functions = new FunctionsTreeProvider(FUNCTIONS_VIEW, connection, explorer, log);
    this.layersView = vscode.window.createTreeView(LAYERS_VIEW, {
      treeDataProvider: this.layers,
      showCollapseAll: true,
    });
    this.functionsView = vscode.window.createTreeView(FUNCTIONS_VIEW, {
      treeDataProvider: this.functions,
      showCollapseAll: true,
    });
  }

  provider(viewId: string): LayersTreeProvider | FunctionsTreeProvider | undefined {
    return viewId === LAYERS_VIEW ? this.layers : viewId === FUNCTIONS_VIEW ? this.functions : undefined;
  }

  /** Selects a function in the Functions view; false when the model does not know it. */
  async revealFunction(name: string): Promise<boolean> {
    const item = this.functions.findRootItem(name);
    if (!item) return false;
    await this.functionsView.reveal(item, { select: true, focus: true });
    return true;
  }

  /**
   * Selects a layer version in the Layers view (after publishing it); false when the model does not know it.
   * VS Code reveals only rows it has fetched, and right after a model change those may still be on their
   * way, so the reveal is repeated (briefly) until the row is selected.
   */
  async revealLayerVersion(name: string, version: number): Promise<boolean> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const layer = this.layers.findRootItem(name);
      const item =
        layer && this.layers.getChildren(layer).find((i) => i instanceof LayerVersionItem && i.version === version);
      if (!item) return false;
      await this.layersView.reveal(item, { select: true, focus: true });
      if (this.layersView.selection.some((selected) => selected.id === item.id)) return true;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return false;
  }

  dispose(): void {
    this.layersView.dispose();
    this.functionsView.dispose();
    this.layers.dispose();
    this.functions.dispose();
  }
}
