import * as vscode from 'vscode';
import { deleteLayerVersion as deleteVersion, planDelete, type DeletePlan } from '../../ops/deleteLayer';
import { requireLayerVersionArn } from '../../ops/layerList';
import { isProbeFunction } from '../../invoke/probeName';
import type { Services } from '../../services';
import { UserError, errorMessage } from '../../util/errors';
import { withCancellableProgress } from '../cancellableProgress';
import { resolveTarget } from '../resourceTarget';
import { bulletList, confirmDestructive } from './confirm';

/**
 * Deletes one layer version (a version node, its ARN, or picked) after a modal that names every
 * function still using it. Deletes exactly the confirmed version; returns the plan that was carried out.
 */
export async function deleteLayerVersion(
  services: Services,
  node?: unknown,
  options?: { confirmed?: boolean },
): Promise<DeletePlan> {
  const { name, version } = await resolveVersion(services, node);
  const live = services.connection.require();
  const plan = await withCancellableProgress(
    vscode.l10n.t('Checking which functions use {0}:{1}', name, version),
    (_report, signal) => planDelete(live.lambda, name, version, { signal }),
  );
  if (!options?.confirmed) {
    const detail =
      plan.usedBy.length === 0
        ? vscode.l10n.t('No function uses this version. Deleting it cannot be undone.')
        : `${vscode.l10n.t(
            'Still used by the functions below. They keep working (Lambda keeps a copy for them), but the version cannot be attached anywhere else, and deleting it cannot be undone.',
          )}\n\n${bulletList(plan.usedBy.map(markProbe))}`;
    await confirmDestructive(
      vscode.l10n.t('Delete version {0} of {1}?', version, name),
      detail,
      vscode.l10n.t('Delete Version {0}', version),
    );
  }
  await deleteVersion(live.lambda, plan);
  await services.explorer
    .refreshLayer(plan.layerName)
    .catch((e: unknown) => services.log.warn(`Refreshing ${plan.layerName} failed: ${errorMessage(e)}`));
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Deleted version {0} of {1}', version, name), 5000);
  return plan;
}

/** A probe of Check Layer Imports is named as such: it is not a user of the layer. */
function markProbe(name: string): string {
  return isProbeFunction(name) ? vscode.l10n.t('{0} (the probe function of Check Layer Imports)', name) : name;
}

async function resolveVersion(services: Services, node: unknown): Promise<{ name: string; version: number }> {
  if (typeof node === 'string') return requireLayerVersionArn(node.trim());
  const target = await resolveTarget(services, node, vscode.l10n.t('Delete Layer Version'), ['layerVersion']);
  if (target.external)
    throw new UserError(vscode.l10n.t('{0} belongs to another account; only that account can delete it.', target.arn));
  return { name: target.name, version: target.version };
}
