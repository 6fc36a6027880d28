import * as vscode from 'vscode';
import { CancelledError } from '../../util/errors';

/** A modal question; returns when the user chose `action`, else throws `CancelledError` (silent). */
export async function confirmModal(message: string, detail: string, action: string, severity: 'info' | 'warning' = 'warning'): Promise<void> {
  const show = severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const answer = await show(message, { modal: true, detail }, action);
  if (answer !== action) throw new CancelledError();
}

/** Lines as a bullet list for a modal's detail, the rest counted ("…and 3 more"). */
export function bulletList(lines: readonly string[], max = 15): string {
  const shown = lines.slice(0, max).map((line) => `• ${line}`);
  if (lines.length > max) shown.push(vscode.l10n.t('…and {0} more', lines.length - max));
  return shown.join('\n');
}
