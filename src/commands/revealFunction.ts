import * as vscode from 'vscode';
import type { Services } from '../services';
import { UserError } from '../util/errors';

/** From a "Used by" entry: selects the function in the Functions view. */
export async function revealFunction(services: Services, name?: string): Promise<void> {
  if (typeof name !== 'string') return;
  if (!(await services.views.revealFunction(name))) {
    throw new UserError(
      vscode.l10n.t('The function {0} is not in the explorer any more. Refresh and try again.', name),
    );
  }
}
