import * as vscode from 'vscode';
import { listProfiles, type ProfileInfo, type ProfileKind } from '../aws/connection';

export type ProfileItem = vscode.QuickPickItem & { profile: ProfileInfo };

/** One quick-pick entry per profile of the shared files; the one in use is marked. */
export async function profileItems(current: string | undefined): Promise<ProfileItem[]> {
  const profiles = await listProfiles();
  return profiles.map((profile) => ({
    label: `$(account) ${profile.name}`,
    description: [kindLabel(profile.kind), profile.region].filter(Boolean).join(' · '),
    detail: profile.name === current ? vscode.l10n.t('$(check) In use') : undefined,
    profile,
  }));
}

function kindLabel(kind: ProfileKind): string {
  switch (kind) {
    case 'sso':
      return vscode.l10n.t('IAM Identity Center (SSO)');
    case 'static':
      return vscode.l10n.t('access keys');
    case 'role':
      return vscode.l10n.t('assumed role');
    case 'process':
      return vscode.l10n.t('credential process');
    case 'web-identity':
      return vscode.l10n.t('web identity');
    case 'login':
      return vscode.l10n.t('console login');
    case 'none':
      return vscode.l10n.t('no credentials');
  }
}
