import * as vscode from 'vscode';
import type { LayerChange, MutateResult } from '../../ops/mutateLayers';
import { mutateFunctionLayers } from '../../ops/mutateLayers';
import type { Services } from '../../services';
import { UserError } from '../../util/errors';
import { FunctionLayerItem } from '../../views/items/functionLayerItem';
import { withCancellableProgress } from '../cancellableProgress';
import { phaseText, refreshFunctions } from './outcomes';

/** The commands on a function's layer row act on that row only; they are not in the palette. */
export function requireFunctionLayer(node: unknown): FunctionLayerItem {
  if (node instanceof FunctionLayerItem) return node;
  throw new UserError(vscode.l10n.t('Select a layer under a function in the Functions view.'));
}

/**
 * Applies one change to one function's layer list with a cancellable progress notification showing
 * the engine's phases, then re-reads the function so its node shows the result (also after a failure).
 */
export async function changeFunctionLayers(
  services: Services,
  functionName: string,
  title: string,
  change: LayerChange,
): Promise<MutateResult> {
  const live = services.connection.require();
  try {
    const result = await withCancellableProgress(title, (report, signal) =>
      mutateFunctionLayers(live.lambda, functionName, change, {
        signal,
        log: services.log,
        onProgress: (p) => report(phaseText(p)),
      }),
    );
    if (result.kind === 'updated' && result.cancelledWhileApplying) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('The change to {0} was applied: Lambda had accepted it before the cancel.', functionName),
      );
    }
    return result;
  } finally {
    await refreshFunctions(services, [functionName]);
  }
}
