import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';

/**
 * Gives the pure modules (which use `@vscode/l10n`) the bundle VS Code loaded for the display
 * language. Both libraries read the same `l10n/bundle.l10n.<lang>.json`; for English there is none.
 */
export function configureL10n(): void {
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
}
