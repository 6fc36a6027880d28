import * as vscode from 'vscode';
import { readManifest } from '../layer/manifest';
import { manifestPathFor } from '../layer/manifest';
import type { Services } from '../services';
import { UserError } from '../util/errors';
import { showReport } from '../views/reportPanel';
import { pickBuiltZip, zipFromArgument } from './builtZips';

/** Opens the build report of a manifest or zip (Explorer, build summary), or of a built zip picked from the palette. */
export async function showBuildReport(_services: Services, arg?: unknown): Promise<void> {
  const given = zipFromArgument(arg);
  const manifestPath = given
    ? given.toLowerCase().endsWith('.zip')
      ? manifestPathFor(given)
      : given
    : manifestPathFor((await pickBuiltZip(vscode.l10n.t('Show Layer Build Report'))).zipPath);
  const manifest = await readManifest(manifestPath);
  if (!manifest) {
    throw new UserError(vscode.l10n.t('{0} is not a layer build manifest of this version of the extension. Build the layer again.', manifestPath));
  }
  showReport(manifestPath, manifest);
}
