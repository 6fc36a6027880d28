import * as vscode from 'vscode';
import { toUserError } from '../../aws/errors';
import type { LambdaGateway } from '../../aws/types';
import { probeLayerImports, probeTargetFromManifest, type ProbeTarget } from '../../invoke/probe';
import type { ProbePageModel, ProbeSection } from '../../invoke/probePage';
import { requireLayerVersionArn } from '../../ops/layerList';
import { layerArnsOf } from '../../ops/mutateLayers';
import type { Services } from '../../services';
import { UserError, isCancellation } from '../../util/errors';
import { withCancellableProgress } from '../cancellableProgress';
import { refreshFunctions } from '../layers/outcomes';
import { shortLayerName } from '../layers/layerVersionTarget';
import { listBuiltZips, type BuiltZip } from '../builtZips';
import { buildOfPublished } from '../publishedBuild';
import { resolveTarget } from '../resourceTarget';
import { probeRole } from './probeRole';

/**
 * Imports every package of a layer version (or of each layer of a function) on the real runtime through
 * a probe function, and shows the table. Layers built in this workspace are checked against their
 * manifest; others are downloaded to read their packages. `roleArn` (automation) skips the role question.
 */
export async function checkLayerImports(
  services: Services,
  node?: unknown,
  options?: { roleArn?: string },
): Promise<ProbePageModel> {
  const { subject, arns } = await layersToCheck(services, node);
  const live = services.connection.require();
  const role = options?.roleArn ?? (await probeRole(services, live));
  const sections: ProbeSection[] = [];
  const probes = new Set<string>();
  await withCancellableProgress(vscode.l10n.t('Checking the imports of {0}', subject), async (report, signal) => {
    const builds = await listBuiltZips();
    for (const [i, arn] of arns.entries()) {
      const label = shortLayerName(arn);
      const prefix = arns.length > 1 ? `${label} (${i + 1}/${arns.length}): ` : '';
      try {
        const target = await probeTarget(live.lambda, arn, builds);
        const result = await probeLayerImports(target, {
          gateway: live.lambda,
          role,
          signal,
          log: services.log,
          onProgress: (m) => report(prefix + m),
        });
        if (result.log) services.log.info(`Import probe of ${arn} (${result.functionName}):\n${result.log}`);
        sections.push({ layerVersionArn: arn, label, report: result });
        probes.add(result.functionName);
      } catch (e) {
        if (isCancellation(e) || signal.aborted) throw e;
        const shown = toUserError(e, services.connection.errorContext());
        services.log.warn(`Import check of ${arn} failed: ${shown.message}`, e);
        sections.push({ layerVersionArn: arn, label, error: shown.message });
      }
    }
  });
  await refreshFunctions(services, [...probes]); // a new probe function shows up in the Functions view
  const model: ProbePageModel = { subject, sections, probeFunctions: [...probes], local: live.isLocal };
  services.probeResults.show(model);
  notify(model);
  return model;
}

async function layersToCheck(services: Services, node: unknown): Promise<{ subject: string; arns: string[] }> {
  if (typeof node === 'string') {
    const arn = node.trim();
    requireLayerVersionArn(arn);
    return { subject: shortLayerName(arn), arns: [arn] };
  }
  const target = await resolveTarget(services, node, vscode.l10n.t('Check Layer Imports'), [
    'layerVersion',
    'function',
  ]);
  if (target.kind === 'layerVersion') return { subject: shortLayerName(target.arn), arns: [target.arn] };
  // Fresh from Lambda: the check must cover the layers the function has now.
  const arns = layerArnsOf(await services.connection.require().lambda.getFunctionConfiguration(target.name));
  if (arns.length === 0) throw new UserError(vscode.l10n.t('{0} has no layers to check.', target.name));
  return { subject: target.name, arns };
}

/** A layer published from a build in this workspace is checked against that build's manifest. */
async function probeTarget(gateway: LambdaGateway, arn: string, builds: readonly BuiltZip[]): Promise<ProbeTarget> {
  const match = await buildOfPublished((await gateway.getLayerVersionByArn(arn)).Content?.CodeSha256, builds);
  return match ? probeTargetFromManifest(match.manifest, arn, match.zipPath) : { layerVersionArn: arn };
}

function notify(model: ProbePageModel): void {
  const failedChecks = model.sections.filter((s) => !s.report).length;
  const problems = model.sections.reduce(
    (n, s) => n + (s.report?.rows.filter((r) => r.status !== 'ok').length ?? 0),
    0,
  );
  const deleteProbe = vscode.l10n.t('Delete Probe Function');
  const buttons = model.probeFunctions.length > 0 ? [deleteProbe] : [];
  const shown =
    failedChecks > 0
      ? vscode.window.showErrorMessage(
          vscode.l10n.t('The import check of {0} could not run for every layer; see the table.', model.subject),
          ...buttons,
        )
      : problems > 0
        ? vscode.window.showWarningMessage(
            vscode.l10n.t(
              'Packages of {0} that do not import as expected: {1}. See the table.',
              model.subject,
              problems,
            ),
            ...buttons,
          )
        : vscode.window.showInformationMessage(
            vscode.l10n.t('{0}: every package imports on the runtime.', model.subject),
            ...buttons,
          );
  void Promise.resolve(shown).then(async (answer) => {
    if (answer !== deleteProbe) return;
    for (const name of model.probeFunctions)
      await vscode.commands.executeCommand('lambdaLayers.deleteProbeFunction', name);
  });
}
