import * as vscode from 'vscode';
import { requireLayerVersionArn } from '../../ops/layerList';
import {
  applyShareAll,
  grantAccess,
  planShareAll,
  targetText,
  type GrantResult,
  type ShareOutcome,
  type ShareTarget,
} from '../../ops/sharing';
import type { Services } from '../../services';
import { UserError } from '../../util/errors';
import { SharedWithItem } from '../../views/items/sharedWithItem';
import { withCancellableProgress } from '../cancellableProgress';
import { resolveTarget } from '../resourceTarget';
import { bulletList, confirmModal } from './confirm';
import { confirmPublic, pickShareTarget } from './shareTarget';

/** Answers a test (or a caller) can give instead of the prompts. */
export interface ShareAnswers {
  target?: ShareTarget;
  confirmed?: boolean;
}

/** Share Layer Version…: lets an account, an organization or everyone use one version (AddLayerVersionPermission). */
export async function shareLayerVersion(
  services: Services,
  node?: unknown,
  answers: ShareAnswers = {},
): Promise<GrantResult> {
  const title = vscode.l10n.t('Share Layer Version');
  const target = await resolveVersion(services, node, title);
  const audience = answers.target ?? (await pickShareTarget(title));
  const what = vscode.l10n.t('version {0} of {1}', target.version, target.name);
  if (!answers.confirmed) await confirmPublic(audience, what);
  const live = services.connection.require();
  const result = await grantAccess(live.lambda, { layerName: target.name, version: target.version }, audience);
  services.views.layers.policyChanged(target.arn);
  void vscode.window.showInformationMessage(
    result.status === 'granted'
      ? vscode.l10n.t('Shared {0} with {1} (statement {2}).', what, targetText(audience), result.statementId)
      : vscode.l10n.t(
          '{0} was already shared with {1} (statement {2}).',
          what,
          targetText(audience),
          result.statementId,
        ),
  );
  return result;
}

/** Share All Versions…: the same grant on every version of a layer, after a preview. */
export async function shareAllLayerVersions(
  services: Services,
  node?: unknown,
  answers: ShareAnswers = {},
): Promise<ShareOutcome[]> {
  const title = vscode.l10n.t('Share All Versions');
  const layer = await resolveTarget(services, node, title, ['layer']);
  const audience = answers.target ?? (await pickShareTarget(title));
  // Every region of the fleet scope (the connection's alone unless several are selected).
  const gateways = await services.scope.gateways();
  const plan = await withCancellableProgress(
    vscode.l10n.t('Reading the policies of {0}', layer.name),
    (_report, signal) => planShareAll(gateways, layer.name, audience, signal),
  );
  const todo = plan.items.filter((i) => !i.already);
  if (todo.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Every version of {0} is already shared with {1}.', layer.name, targetText(audience)),
    );
    return plan.items.map((i) => ({ region: i.region, version: i.version, arn: i.arn, status: 'already' }));
  }
  if (!answers.confirmed) {
    await confirmPublic(audience, vscode.l10n.t('all versions of {0}', layer.name));
    const where = (i: { region: string }) => (gateways.length > 1 ? `${i.region} ` : '');
    const lines = plan.items.map(
      (i) =>
        where(i) +
        (i.already
          ? vscode.l10n.t('Version {0}: already shared', i.version)
          : vscode.l10n.t('Version {0}: will be shared', i.version)),
    );
    await confirmModal(
      vscode.l10n.t('Share {0} versions of {1} with {2}?', todo.length, layer.name, targetText(audience)),
      bulletList(lines),
      vscode.l10n.t('Share'),
      'info',
    );
  }
  const outcomes = await withCancellableProgress(vscode.l10n.t('Sharing {0}', layer.name), (report, signal) =>
    applyShareAll(gateways, plan, {
      signal,
      onOutcome: (o, done, total) =>
        report(vscode.l10n.t('Version {0} ({1}/{2})', o.version, done, total), 100 / total),
    }),
  );
  for (const o of outcomes) services.views.layers.policyChanged(o.arn);
  const failed = outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped');
  const granted = outcomes.filter((o) => o.status === 'granted').length;
  const summary = vscode.l10n.t('Shared {0} versions of {1} with {2}.', granted, layer.name, targetText(audience));
  if (failed.length === 0) void vscode.window.showInformationMessage(summary);
  else {
    services.log.warn(failed.map((o) => `${o.arn}: ${o.reason ?? o.status}`).join('\n'));
    void vscode.window.showWarningMessage(
      `${summary} ${vscode.l10n.t('Not shared: {0}', failed.map((o) => `${o.version} (${o.reason ?? o.status})`).join(', '))}`,
    );
  }
  return outcomes;
}

export async function resolveVersion(
  services: Services,
  node: unknown,
  title: string,
): Promise<{ name: string; version: number; arn: string }> {
  if (node instanceof SharedWithItem) node = node.arn;
  if (typeof node === 'string') {
    const ref = requireLayerVersionArn(node.trim());
    return { name: ref.name, version: ref.version, arn: node.trim() };
  }
  const target = await resolveTarget(services, node, title, ['layerVersion']);
  if (target.external)
    throw new UserError(
      vscode.l10n.t('{0} belongs to another account; only that account can change who may use it.', target.arn),
    );
  return target;
}
