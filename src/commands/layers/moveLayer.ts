import * as vscode from 'vscode';
import { moveLayer as move } from '../../ops/layerList';
import type { MutateResult } from '../../ops/mutateLayers';
import type { Services } from '../../services';
import { changeFunctionLayers, requireFunctionLayer } from './functionLayerNode';

export function moveLayerUp(services: Services, node?: unknown): Promise<MutateResult> {
  return moveLayer(services, node, 'up');
}

export function moveLayerDown(services: Services, node?: unknown): Promise<MutateResult> {
  return moveLayer(services, node, 'down');
}

/** Moves a function's layer one place; later layers overwrite files of earlier ones in /opt. */
async function moveLayer(services: Services, node: unknown, direction: 'up' | 'down'): Promise<MutateResult> {
  const item = requireFunctionLayer(node);
  const label = String(item.label);
  const result = await changeFunctionLayers(
    services,
    item.functionName,
    vscode.l10n.t('Moving {0} in {1}', label, item.functionName),
    (current) => move(current, item.arn, direction),
  );
  if (result.kind === 'unchanged') {
    const message =
      direction === 'up'
        ? vscode.l10n.t('{0} is already the first layer of {1}.', label, item.functionName)
        : vscode.l10n.t('{0} is already the last layer of {1}.', label, item.functionName);
    void vscode.window.setStatusBarMessage(message, 5000);
  }
  return result;
}
