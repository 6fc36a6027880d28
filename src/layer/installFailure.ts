import * as l10n from '@vscode/l10n';
import { UserError, type ErrorAction } from '../util/errors';
import { listDistributionFiles } from './distributionFiles';
import type { PackageSource } from './indexes';
import type { Installer } from './installer';
import { classifyInstallerOutput, installFailureError } from './installerOutput';
import { diagnoseMissing, missingMessage, parseRequirement, type MissingDiagnosis } from './resolveErrors';
import type { PythonTarget } from './runtimes';

export interface FailedInstall {
  /** The installer's whole output; every line of it is already in the log. */
  output: string;
  installer: Installer;
  target: PythonTarget;
  sources: readonly PackageSource[];
  requirementsPath: string;
  layerName: string;
  signal?: AbortSignal;
}

/**
 * The error a failed install throws. When pip found nothing for a requirement, the sources' own file lists
 * tell "no such name", "no such version" and "nothing for this target" apart. Its buttons: the log, and where
 * they apply a build for a runtime that has a wheel, and the source-builds setting.
 */
export async function installFailure(failed: FailedInstall): Promise<UserError> {
  const failure = classifyInstallerOutput(failed.output);
  const showLog: ErrorAction = { title: l10n.t('Show Log'), command: 'lambdaLayers.showLog' };
  if (failure.kind === 'no-distribution' && failed.sources.length > 0) {
    const files = await listDistributionFiles(
      failed.sources,
      parseRequirement(failure.requirement).project,
      failed.signal,
    );
    if (files) {
      const diagnosis = diagnoseMissing(failure.requirement, files, failed.target);
      const message = missingMessage(diagnosis, failed.target, failed.sources.map((s) => s.url).join(', '));
      return new UserError(message, undefined, [...fixes(diagnosis, failed), showLog]);
    }
  }
  // No detail: the output is in the log already, line by line.
  return new UserError(installFailureError(failure, failed.target, failed.installer, '').message, undefined, [showLog]);
}

function fixes(diagnosis: MissingDiagnosis, failed: FailedInstall): ErrorAction[] {
  if (diagnosis.kind !== 'no-wheel-for-target') return [];
  const actions: ErrorAction[] = [];
  if (diagnosis.fitsRuntime) {
    actions.push({
      title: l10n.t('Build for {0}', diagnosis.fitsRuntime),
      command: 'lambdaLayers.buildLayer',
      args: [
        {
          requirementsUri: failed.requirementsPath,
          runtime: diagnosis.fitsRuntime,
          architecture: failed.target.architecture,
          name: failed.layerName,
        },
      ],
    });
  }
  if (diagnosis.hasSdist) {
    actions.push({
      title: l10n.t('Allow Source Builds'),
      command: 'workbench.action.openSettings',
      args: ['lambdaLayers.build.allowSourceBuilds'],
    });
  }
  return actions;
}
