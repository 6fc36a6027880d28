import * as vscode from 'vscode';
import { CancelledError } from '../../util/errors';

/** A modal question; returns when the user chose `action`, else throws `CancelledError` (silent). */
export async function confirmModal(
  message: string,
  detail: string,
  action: string,
  severity: 'info' | 'warning' = 'warning',
): Promise<void> {
  const show = severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const answer = await show(message, { modal: true, detail }, action);
  if (answer !== action) throw new CancelledError();
}

/**
 * A modal question for what cannot be undone: its safe button comes first, so it is the default (Enter, or a
 * hasty click on the highlighted button, keeps everything). Throws `CancelledError` unless `action` was chosen.
 */
export async function confirmDestructive(message: string, detail: string, action: string): Promise<void> {
  const answer = await vscode.window.showWarningMessage(
    message,
    { modal: true, detail },
    vscode.l10n.t("Don't Delete"),
    action,
  );
  if (answer !== action) throw new CancelledError();
}

/** Lines as a bullet list for a modal's detail, the rest counted ("…and 3 more"). */
export function bulletList(lines: readonly string[], max = 15): string {
  const shown = lines.slice(0, max).map((line) => `• ${line}`);
  if (lines.length > max) shown.push(vscode.l10n.t('…and {0} more', lines.length - max));
  return shown.join('\n');
}
