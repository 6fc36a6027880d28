import * as vscode from 'vscode';
import { readPolicy, revokeAccess, targetText, type Grant } from '../../ops/sharing';
import type { Services } from '../../services';
import { UserError } from '../../util/errors';
import { GrantItem } from '../../views/items/sharedWithItem';
import { pickOne } from '../prompts';
import { confirmModal } from './confirm';
import { resolveVersion } from './shareLayerVersion';

/** Revoke…: removes one statement of a version's policy, from a grant row or picked from the version's policy. */
export async function revokeLayerPermission(
  services: Services,
  node?: unknown,
  answers: { statementId?: string; confirmed?: boolean } = {},
): Promise<string> {
  const title = vscode.l10n.t('Revoke Layer Version Permission');
  const version = await resolveVersion(services, node instanceof GrantItem ? node.sharedWith.arn : node, title);
  const id = { layerName: version.name, version: version.version };
  const live = services.connection.require();
  let grant: Grant | undefined = node instanceof GrantItem ? node.grant : undefined;
  if (!grant) {
    const { grants } = await readPolicy(live.lambda, id);
    if (grants.length === 0)
      throw new UserError(
        vscode.l10n.t('Version {0} of {1} is not shared with anyone.', version.version, version.name),
      );
    grant = answers.statementId
      ? grants.find((g) => g.statementId === answers.statementId)
      : (
          await pickOne({
            title,
            placeholder: vscode.l10n.t('Which grant to revoke?'),
            items: grants.map((g) => ({ label: targetText(g), description: g.statementId, grant: g })),
          })
        ).grant;
    if (!grant)
      throw new UserError(
        vscode.l10n.t(
          'Version {0} of {1} has no statement "{2}".',
          version.version,
          version.name,
          answers.statementId ?? '',
        ),
      );
  }
  if (!answers.confirmed) {
    await confirmModal(
      vscode.l10n.t('Stop sharing version {0} of {1} with {2}?', version.version, version.name, targetText(grant)),
      vscode.l10n.t(
        'They can no longer read it or attach it to other functions. Functions that already use it keep working.',
      ),
      vscode.l10n.t('Revoke'),
    );
  }
  await revokeAccess(live.lambda, id, grant.statementId);
  services.views.layers.policyChanged(version.arn);
  void vscode.window.setStatusBarMessage(
    vscode.l10n.t('Revoked {0} on version {1} of {2}', grant.statementId, version.version, version.name),
    5000,
  );
  return grant.statementId;
}
