import * as vscode from 'vscode';
import type { Services } from '../services';
import { CancelledError } from '../util/errors';
import { profileItems, type ProfileItem } from './profileItems';
import { useProfile } from './selectProfile';

type Item = vscode.QuickPickItem & { run?: () => Thenable<unknown> };

/** The status bar's picker: every profile, the local endpoint, and a region change in one list. */
export async function switchConnection(services: Services): Promise<void> {
  const live = services.connection.current;
  const profiles: (ProfileItem & Item)[] = (await profileItems(live && !live.isLocal ? live.profile : undefined)).map(
    (item) => ({
      ...item,
      run: () => useProfile(item.profile.name),
    }),
  );
  const items: Item[] = [
    { label: vscode.l10n.t('AWS profiles'), kind: vscode.QuickPickItemKind.Separator },
    ...profiles,
    ...(profiles.length === 0
      ? [
          {
            label: vscode.l10n.t('$(info) No profiles found: open the AWS config file'),
            run: () => vscode.commands.executeCommand('lambdaLayers.openAwsConfigFile'),
          },
        ]
      : []),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    {
      label: vscode.l10n.t('$(vm) Local (offline)'),
      description: vscode.l10n.t('Lambda-compatible endpoint on this machine'),
      detail: live?.isLocal ? vscode.l10n.t('$(check) In use') : undefined,
      run: () => vscode.commands.executeCommand('lambdaLayers.useLocalEndpoint'),
    },
    {
      label: vscode.l10n.t('$(globe) Change region…'),
      description: live?.settings.region,
      run: () => vscode.commands.executeCommand('lambdaLayers.selectRegion'),
    },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Switch Connection'),
    placeHolder: vscode.l10n.t('Where should Lambda Layers connect?'),
    matchOnDescription: true,
  });
  if (!picked?.run) throw new CancelledError();
  await picked.run();
}
