import * as vscode from 'vscode';
import { deleteProbeFunction as deleteProbe } from '../../invoke/probe';
import { isProbeFunction } from '../../invoke/probeName';
import type { Services } from '../../services';
import { UserError } from '../../util/errors';
import { FunctionItem } from '../../views/items/functionItem';
import { pickLive } from '../livePick';
import { confirmDestructive } from '../layers/confirm';
import { refreshFunctions } from '../layers/outcomes';

/**
 * Deletes a probe function left by "Check Layer Imports" (by name, from its node, or picked), after a
 * confirmation; `confirmed` (automation, tests) skips it. Only probe functions.
 */
export async function deleteProbeFunction(
  services: Services,
  arg?: unknown,
  options?: { confirmed?: boolean },
): Promise<string> {
  const name = typeof arg === 'string' ? arg : arg instanceof FunctionItem ? arg.name : await pickProbe(services);
  if (!isProbeFunction(name)) throw new UserError(vscode.l10n.t('{0} is not a probe function of Lambda Layers.', name));
  if (!options?.confirmed) {
    await confirmDestructive(
      vscode.l10n.t('Delete the probe function {0}?', name),
      vscode.l10n.t(
        'Check Layer Imports created it in your account to import layers on the runtime; the next check creates it again.',
      ),
      vscode.l10n.t('Delete'),
    );
  }
  const live = services.connection.require();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting {0}…', name) },
    () => deleteProbe(live.lambda, name),
  );
  await refreshFunctions(services, [name]);
  services.probeResults.probeDeleted(name);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Deleted the probe function {0}', name), 5000);
  return name;
}

async function pickProbe(services: Services): Promise<string> {
  services.connection.require();
  const explorer = services.explorer;
  explorer.ensureLoaded();
  const probes = () => (explorer.model?.functions ?? []).filter((f) => isProbeFunction(f.name));
  if (explorer.model?.state.status === 'ready' && probes().length === 0) {
    throw new UserError(vscode.l10n.t('There are no probe functions to delete.'));
  }
  const picked = await pickLive({
    title: vscode.l10n.t('Delete Probe Function'),
    placeholder: vscode.l10n.t('Select the probe function to delete'),
    busy: () => explorer.model?.state.status === 'loading',
    onDidChange: (listener) => explorer.onDidChange(listener),
    items: () => probes().map((f) => ({ label: `$(symbol-function) ${f.name}`, description: f.runtime, name: f.name })),
  });
  return picked.name;
}
