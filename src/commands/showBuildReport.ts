import * as vscode from 'vscode';
import * as path from 'node:path';
import { manifestPathFor, readManifest, type LayerManifest } from '../layer/manifest';
import { layerImports } from '../stack/layerImports';
import { errorMessage, isCancellation } from '../util/errors';
import type { Services } from '../services';
import { UserError } from '../util/errors';
import { withCancellableProgress } from './cancellableProgress';
import { showReport, updateReportIfOpen } from '../views/reportPanel';
import { pickBuiltZip, zipFromArgument } from './builtZips';

/** Opens the build report of a manifest or zip (Explorer, build summary), or of a built zip picked from the palette. */
export async function showBuildReport(services: Services, arg?: unknown): Promise<void> {
  const given = zipFromArgument(arg);
  const manifestPath = given
    ? given.toLowerCase().endsWith('.zip')
      ? manifestPathFor(given)
      : given
    : manifestPathFor((await pickBuiltZip(vscode.l10n.t('Show Layer Build Report'))).zipPath);
  const manifest = await readManifest(manifestPath);
  if (!manifest) {
    throw new UserError(
      vscode.l10n.t(
        '{0} is not a layer build manifest of this version of the extension. Build the layer again.',
        manifestPath,
      ),
    );
  }
  showReport(manifestPath, manifest);
  await showLayerImports(services, manifestPath, manifest);
}

/**
 * Measures the layer's own import times (once per zip content, kept next to it) and shows them in its open
 * report. Without a local Python the report simply has no ranking; the log says why.
 */
export async function showLayerImports(
  services: Services,
  manifestPath: string,
  manifest: LayerManifest,
): Promise<void> {
  // Importing runs the layer's code on this machine: its packages came from this workspace's requirements.
  if (!vscode.workspace.isTrusted) return;
  if (manifest.ecosystem === 'npm') return; // import times are measured with Python only
  const zipPath = path.join(path.dirname(manifestPath), manifest.zipFile);
  try {
    const imports = await withCancellableProgress(
      vscode.l10n.t('Measuring the import time of {0}', manifest.layerName),
      (_report, signal) => layerImports(zipPath, manifest.runtime, manifest.codeSha256, signal),
    );
    updateReportIfOpen(manifestPath, manifest, imports);
  } catch (e) {
    if (isCancellation(e)) return;
    services.log.warn(`Measuring the import times of ${zipPath}: ${errorMessage(e)}`);
  }
}
