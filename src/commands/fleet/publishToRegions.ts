import * as vscode from 'vscode';
import type { FleetProgress } from '../../fleet/progress';
import type { RegionPublishResult } from '../../fleet/publish';
import type { Services } from '../../services';
import { s3BucketSetting } from '../../vscode/buildSettings';
import { loadBuiltZip, pickBuiltZip, zipFromArgument } from '../builtZips';
import { withCancellableProgress } from '../cancellableProgress';
import { bulletList, confirmModal } from '../layers/confirm';
import { pickOne } from '../prompts';
import { askPublishInputs, publishRequest, type PublishInputs } from '../publishInputs';

/** Arguments for automation and tests; whatever is left out is asked for. */
export interface PublishToRegionsOptions extends Partial<PublishInputs> {
  zipUri?: vscode.Uri | string;
  /** Align version numbers across the regions (after a preview). Undefined: ask. */
  align?: boolean;
  /** Skip the alignment preview's confirmation. */
  confirmed?: boolean;
}

/**
 * Publish to Regions…: one built zip to every region of the scope, a bounded number at a time. A region that
 * already holds the zip reuses its version, so running it again after a failure only publishes where it
 * failed. Optionally aligns version numbers (regions behind publish copies first), after a preview.
 */
export async function publishToRegions(services: Services, arg?: unknown): Promise<RegionPublishResult[]> {
  const options: PublishToRegionsOptions =
    typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri)
      ? (arg as PublishToRegionsOptions)
      : { zipUri: zipFromArgument(arg) };
  const title = vscode.l10n.t('Publish to Regions');
  const zipArg = zipFromArgument(options.zipUri);
  const { zipPath, manifest } = zipArg ? await loadBuiltZip(zipArg) : await pickBuiltZip(title);
  const inputs = await askPublishInputs(zipPath, manifest, options, title);
  const fleet = await services.scope.fleet();
  const where = fleet.targets.map((t) => t.key).join(', ');
  const request = publishRequest(zipPath, inputs, s3BucketSetting(vscode.Uri.file(zipPath)));
  const align = options.align ?? (await askAlign(title));
  const { alignVersions, alignmentLine, planAlignment } = await import('../../fleet/align');
  const { publishToFleet } = await import('../../fleet/publish');

  const plan = align
    ? await withCancellableProgress(
        vscode.l10n.t('Reading the versions of {0} in {1}', inputs.name, where),
        (_report, signal) => planAlignment(fleet, request, { signal }),
      )
    : undefined;
  if (plan && !options.confirmed) {
    await confirmModal(
      vscode.l10n.t('Align {0} at version {1} in {2} regions?', inputs.name, plan.version, fleet.targets.length),
      `${bulletList(plan.steps.map((s) => alignmentLine(s, plan.version)))}\n\n${vscode.l10n.t('Copies are the same zip: they use storage until pruned.')}`,
      vscode.l10n.t('Publish'),
      'info',
    );
  }
  const results = await withCancellableProgress(
    vscode.l10n.t('Publishing {0} to {1}', inputs.name, where),
    (report, signal) => {
      const onResult = (r: RegionPublishResult) => {
        services.log.info(
          `${r.target} ${'layerVersion' in r ? r.layerVersion.LayerVersionArn : '-'} ${r.status}${'reason' in r ? ` (${r.reason})` : ''}`,
        );
        report(vscode.l10n.t('{0}: {1}', r.target, statusText(r)), 100 / fleet.targets.length);
      };
      // Aligning publishes version after version in a region: say how far each has come.
      const onProgress = (p: FleetProgress) => {
        if (p.state === 'running') report(vscode.l10n.t('{0}: {1}', p.target, p.step));
      };
      const engineOptions = { signal, log: services.log, onResult };
      return plan
        ? alignVersions(fleet, request, plan, { ...engineOptions, onProgress })
        : publishToFleet(fleet, request, engineOptions);
    },
  );
  showSummary(services, inputs.name, results);
  void services.scope.loadInventory(true);
  // The explorer shows the connection's region: its layer row gains the version published there.
  if (fleet.targets.some((t) => t.region === services.connection.current?.settings.region)) {
    void services.explorer
      .refreshLayer(inputs.name)
      .catch((e: unknown) => services.log.warn(`Refreshing ${inputs.name}: ${String(e)}`));
  }
  services.fleetPanels.showLayer(inputs.name);
  return results;
}

async function askAlign(title: string): Promise<boolean> {
  const plain = {
    label: vscode.l10n.t('Publish where the zip is not yet the newest version'),
    detail: vscode.l10n.t('Version numbers may differ between regions.'),
    align: false,
  };
  const aligned = {
    label: vscode.l10n.t('Align version numbers across the regions'),
    detail: vscode.l10n.t('Regions behind publish copies first; a preview shows what.'),
    align: true,
  };
  return (await pickOne({ title, placeholder: vscode.l10n.t('How to publish'), items: [plain, aligned] })).align;
}

function statusText(r: RegionPublishResult): string {
  switch (r.status) {
    case 'published':
      return vscode.l10n.t('published version {0}', r.layerVersion.Version ?? '?');
    case 'unchanged':
      return vscode.l10n.t('already at version {0}', r.layerVersion.Version ?? '?');
    case 'cancelled':
      return r.reason;
    case 'failed':
      return vscode.l10n.t('failed: {0}', r.reason);
  }
}

/** One line per region in a notification: a warning (run again to finish) when any region failed. */
function showSummary(services: Services, name: string, results: RegionPublishResult[]): void {
  const lines = results.map((r) => `${r.target}: ${statusText(r)}`).join('; ');
  const failed = results.filter((r) => r.status === 'failed' || r.status === 'cancelled');
  if (failed.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Published {0}: {1}', name, lines));
    return;
  }
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t(
        '{0} of {1} regions did not finish ({2}). Run Publish to Regions again to finish: regions already done are kept.',
        failed.length,
        results.length,
        lines,
      ),
      showLog,
    )
    .then((answer) => answer === showLog && services.log.show());
}
