import * as vscode from 'vscode';
import type { Services } from '../services';
import { FUNCTIONS_VIEW, LAYERS_VIEW } from '../views/explorerViews';
import { FunctionItem } from '../views/items/functionItem';
import { LayerItem } from '../views/items/layerItem';

/**
 * On a layer or function node: re-reads just that one. Otherwise: reconnects if needed and reloads
 * everything (the views show their own progress while the model loads).
 */
export async function refresh(services: Services, node?: unknown): Promise<void> {
  const { explorer } = services;
  if (node instanceof LayerItem) return withViewProgress(LAYERS_VIEW, () => explorer.refreshLayer(node.name));
  if (node instanceof FunctionItem) return withViewProgress(FUNCTIONS_VIEW, () => explorer.refreshFunction(node.name));
  return explorer.refresh();
}

function withViewProgress(viewId: string, task: () => Promise<void>): Promise<void> {
  return Promise.resolve(vscode.window.withProgress({ location: { viewId } }, task));
}
