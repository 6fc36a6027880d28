import * as vscode from 'vscode';
import { detachLayer as detach } from '../../ops/layerList';
import type { MutateResult } from '../../ops/mutateLayers';
import type { Services } from '../../services';
import { confirmModal } from './confirm';
import { notifyDone, testInvokeStep } from './outcomes';
import { changeFunctionLayers, requireFunctionLayer } from './functionLayerNode';

/** Detaches exactly the attached version of a function's layer row, after a confirmation. */
export async function detachLayer(
  services: Services,
  node?: unknown,
  options?: { confirmed?: boolean },
): Promise<MutateResult> {
  const item = requireFunctionLayer(node);
  const label = String(item.label);
  if (!options?.confirmed) {
    await confirmModal(
      vscode.l10n.t('Detach {0} from {1}?', label, item.functionName),
      vscode.l10n.t(
        "From its next invocation the function no longer finds this layer's files in /opt. The layer version itself stays.",
      ),
      vscode.l10n.t('Detach'),
    );
  }
  const result = await changeFunctionLayers(
    services,
    item.functionName,
    vscode.l10n.t('Detaching {0} from {1}', label, item.functionName),
    (current) => detach(current, item.arn),
  );
  // A notification like "Attached …", with the same next step.
  notifyDone(vscode.l10n.t('Detached {0} from {1}.', label, item.functionName), testInvokeStep(item.functionName));
  return result;
}
