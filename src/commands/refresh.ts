import * as vscode from 'vscode';
import type { Services } from '../services';
import { FUNCTIONS_VIEW, LAYERS_VIEW } from '../views/explorerViews';
import { FunctionItem } from '../views/items/functionItem';
import { LayerItem } from '../views/items/layerItem';

/** On a layer or function node: re-reads just that one. Otherwise: reconnects if needed and reloads everything. */
export async function refresh(services: Services, node?: unknown): Promise<void> {
  const { explorer } = services;
  if (node instanceof LayerItem) return withViewProgress([LAYERS_VIEW], () => explorer.refreshLayer(node.name));
  if (node instanceof FunctionItem) return withViewProgress([FUNCTIONS_VIEW], () => explorer.refreshFunction(node.name));
  return withViewProgress([LAYERS_VIEW, FUNCTIONS_VIEW], () => explorer.refresh());
}

/** Shows the progress bar on each of the views while `task` runs. */
function withViewProgress(viewIds: string[], task: () => Promise<void>): Promise<void> {
  return viewIds.reduce<() => Promise<void>>(
    (inner, viewId) => () => Promise.resolve(vscode.window.withProgress({ location: { viewId } }, inner)),
    task,
  )();
}
