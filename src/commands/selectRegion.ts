import * as vscode from 'vscode';
import type { Services } from '../services';
import { CancelledError } from '../util/errors';
import { updateSetting } from '../vscode/settings';
import { LAMBDA_REGIONS, REGION_PATTERN } from '../aws/regions';

export async function selectRegion(services: Services): Promise<void> {
  const current = services.connection.current?.settings.region;
  const other = vscode.l10n.t('Other region…');
  const items: vscode.QuickPickItem[] = [
    ...LAMBDA_REGIONS.map((region) => ({
      label: region,
      description: region === current ? vscode.l10n.t('current') : undefined,
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: other },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Select Region'),
    placeHolder: current ? vscode.l10n.t('Current region: {0}', current) : undefined,
  });
  if (!picked) throw new CancelledError();
  const region = picked.label === other ? await askRegion(current) : picked.label;
  await updateSetting('region', region);
}

async function askRegion(current: string | undefined): Promise<string> {
  const region = await vscode.window.showInputBox({
    title: vscode.l10n.t('Select Region'),
    prompt: vscode.l10n.t('Region code, for example eu-central-1'),
    value: current,
    validateInput: (v) =>
      REGION_PATTERN.test(v.trim()) ? undefined : vscode.l10n.t('Not a region code like eu-central-1'),
  });
  if (region === undefined) throw new CancelledError();
  return region.trim();
}
