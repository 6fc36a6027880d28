import * as vscode from 'vscode';
import type { ExplorerModel } from '../model/explorerModel';
import type { LayerNode, ModelChange, ModelProgress } from '../model/nodes';
import { ExplorerTreeProvider } from './explorerTreeProvider';
import { LayerItem } from './items/layerItem';

export class LayersTreeProvider extends ExplorerTreeProvider<LayerNode, LayerItem> {
  protected entries(model: ExplorerModel): readonly LayerNode[] {
    return model.layers;
  }

  protected toItem(layer: LayerNode, previous: LayerItem | undefined): LayerItem {
    if (!previous) return new LayerItem(layer);
    previous.update(layer);
    return previous;
  }

  protected isComplete(progress: ModelProgress): boolean {
    return progress.layersComplete;
  }

  protected loadingLabel(progress: ModelProgress): string {
    return vscode.l10n.t('Loading layers… ({0} so far)', progress.layers);
  }

  protected emptyLabel(region: string): string {
    return vscode.l10n.t('No layers in {0}', region);
  }

  protected affected(change: ModelChange, model: ExplorerModel): LayerItem | undefined | null {
    if (change.kind === 'layers') return undefined;
    if (change.kind !== 'layer') return null; // used-by lists arrive as `layer` changes too
    const item = this.shownItems.get(change.name);
    const layer = model.getLayer(change.name);
    if (!item) return null; // not displayed (yet): its root refresh will show it
    if (!layer) return undefined; // gone: the root drops it
    item.update(layer);
    return item;
  }
}
