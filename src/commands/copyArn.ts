import * as vscode from 'vscode';
import type { Services } from '../services';
import { resolveTarget } from './resourceTarget';

export async function copyArn(services: Services, node?: unknown): Promise<void> {
  const target = await resolveTarget(services, node, vscode.l10n.t('Copy ARN'));
  await vscode.env.clipboard.writeText(target.arn);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', target.arn), 3000);
}
