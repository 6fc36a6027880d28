import * as vscode from 'vscode';
import { checkShareTarget, type ShareTarget } from '../../ops/sharing';
import { errorMessage } from '../../util/errors';
import { askText, pickOne } from '../prompts';
import { confirmModal } from './confirm';

/** Asks who to share with: an account id, an organization id, or everyone. */
export async function pickShareTarget(title: string): Promise<ShareTarget> {
  const items: (vscode.QuickPickItem & { audience: ShareTarget['kind'] })[] = [
    {
      audience: 'account',
      label: `$(account) ${vscode.l10n.t('An AWS account…')}`,
      detail: vscode.l10n.t('One account, by its 12-digit id'),
    },
    {
      audience: 'organization',
      label: `$(organization) ${vscode.l10n.t('An organization…')}`,
      detail: vscode.l10n.t('Every account of an AWS Organization, by its id (o-…)'),
    },
    {
      audience: 'public',
      label: `$(globe) ${vscode.l10n.t('Everyone (public)')}`,
      detail: vscode.l10n.t('Any AWS account in the world'),
    },
  ];
  const picked = await pickOne({ title, placeholder: vscode.l10n.t('Who may use it?'), items });
  if (picked.audience === 'public') return { kind: 'public' };
  const validate = (make: (value: string) => ShareTarget) => (value: string) => {
    try {
      checkShareTarget(make(value.trim()));
      return undefined;
    } catch (e) {
      return errorMessage(e);
    }
  };
  if (picked.audience === 'account') {
    const make = (accountId: string): ShareTarget => ({ kind: 'account', accountId });
    return make(
      await askText({
        title,
        prompt: vscode.l10n.t('AWS account id (12 digits)'),
        placeHolder: '123456789012',
        validateInput: validate(make),
      }),
    );
  }
  const make = (organizationId: string): ShareTarget => ({ kind: 'organization', organizationId });
  return make(
    await askText({
      title,
      prompt: vscode.l10n.t('Organization id'),
      placeHolder: 'o-a1b2c3d4e5',
      validateInput: validate(make),
    }),
  );
}

/** Public sharing is asked again, saying what it means; other audiences need no second question. */
export async function confirmPublic(target: ShareTarget, what: string): Promise<void> {
  if (target.kind !== 'public') return;
  await confirmModal(
    vscode.l10n.t('Make {0} public?', what),
    vscode.l10n.t(
      'Any AWS account can then use it: attach it to its functions and download its content. Only share layers that contain nothing private. You can revoke it later; functions that already use it keep working.',
    ),
    vscode.l10n.t('Make Public'),
  );
}
