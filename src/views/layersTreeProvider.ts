import * as vscode from 'vscode';
import type { ExplorerModel } from '../model/explorerModel';
import type { LayerNode, ModelProgress } from '../model/nodes';
import { ExplorerTreeProvider } from './explorerTreeProvider';
import { LayerItem } from './items/layerItem';

export class LayersTreeProvider extends ExplorerTreeProvider<LayerNode, LayerItem> {
  /** Used-by lists arrive as `layer` changes too. */
  protected readonly changeKinds = { root: 'layers', entry: 'layer' } as const;

  protected entries(model: ExplorerModel): readonly LayerNode[] {
    return model.layers;
  }

  protected entry(model: ExplorerModel, name: string): LayerNode | undefined {
    return model.getLayer(name);
  }

  protected createItem(layer: LayerNode): LayerItem {
    return new LayerItem(layer);
  }

  protected isComplete(progress: ModelProgress): boolean {
    return progress.layersComplete;
  }

  protected loadingLabel(progress: ModelProgress): string {
    return vscode.l10n.t('Loading layers… ({0} so far)', progress.layers);
  }

  /** None: the view's welcome content (viewsWelcome) offers the first steps instead. */
  protected emptyLabel(): undefined {
    return undefined;
  }
}
