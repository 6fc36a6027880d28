import * as vscode from 'vscode';
import type { Services } from '../services';
import { CancelledError } from '../util/errors';
import { readConnectionSettings, updateSetting } from '../vscode/settings';
import { profileItems } from './profileItems';

export async function selectProfile(services: Services): Promise<void> {
  const items = await profileItems(services.connection.current?.profile);
  if (items.length === 0) {
    const open = vscode.l10n.t('Open AWS Config File');
    const answer = await vscode.window.showInformationMessage(
      vscode.l10n.t(
        'No AWS profiles were found. Create one with "aws configure" or "aws configure sso", or add it to the AWS config file.',
      ),
      open,
    );
    if (answer === open) await vscode.commands.executeCommand('lambdaLayers.openAwsConfigFile');
    return;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Select AWS Profile'),
    placeHolder: vscode.l10n.t('Profiles from the AWS config and credentials files'),
    matchOnDescription: true,
  });
  if (!picked) throw new CancelledError();
  await useProfile(picked.profile.name);
}

/** Makes the explorer use this profile; a forced local connection goes back to automatic. */
export async function useProfile(name: string): Promise<void> {
  await updateSetting('profile', name);
  if (readConnectionSettings().mode === 'local') await updateSetting('connection', 'auto');
}
