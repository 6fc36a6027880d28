import type { GetLayerVersionResponse } from '@aws-sdk/client-lambda';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { withCancellableProgress, type ReportProgress } from './cancellableProgress';
import { DIRECT_UPLOAD_LIMIT } from '../layer/manifest';
import { publishLayer, type PublishProgress, type PublishResult } from '../ops/publish';
import type { Services } from '../services';
import { CancelledError, UserError, errorMessage } from '../util/errors';
import { formatBytes } from '../util/format';
import { s3BucketSetting } from '../vscode/buildSettings';
import { LAYERS_VIEW } from '../views/explorerViews';
import { loadBuiltZip, pickBuiltZip, zipFromArgument } from './builtZips';
import { callWithErrorHandling } from './commandWrapper';
import { askPublishInputs, askS3Bucket, publishRequest, type PublishInputs } from './publishInputs';
import { publishChange } from '../stack/stackGuard';
import { bulletList, confirmModal } from './layers/confirm';
import { checkStacks, logWarnings, stackWarnings } from './stack/checkStacks';

/** Arguments for automation and tests; whatever is left out is asked for. */
export interface PublishCommandOptions extends Partial<PublishInputs> {
  zipUri?: vscode.Uri | string;
  /** For zips over 50 MB; default the `lambdaLayers.publish.s3Bucket` setting, else asked. */
  s3Bucket?: string;
  /** When the newest version already holds this zip and metadata. Undefined: ask. */
  ifUnchanged?: 'useExisting' | 'publishAnyway';
  /** Functions the new version is for, size-checked before publishing; default those using the layer now. */
  functions?: string[];
}

export interface PublishCommandResult {
  kind: 'published' | 'unchanged';
  layerName: string;
  version: number;
  arn: string;
}

/**
 * Publishes a layer zip as a new version: from the build summary or the Explorer (a Uri), the palette
 * (picks a built zip), or with `PublishCommandOptions`. Returns the published (or reused) version.
 */
export async function publishLayerCommand(services: Services, arg?: unknown): Promise<PublishCommandResult> {
  const options: PublishCommandOptions = isOptions(arg) ? arg : { zipUri: zipFromArgument(arg) };
  const connection = services.connection.require();
  const title = vscode.l10n.t('Publish Lambda Layer');
  const zipArg = zipFromArgument(options.zipUri);
  const { zipPath, manifest } = zipArg ? await loadBuiltZip(zipArg) : await pickBuiltZip(title);
  const size = (await fs.stat(zipPath).catch(() => undefined))?.size;
  if (size === undefined)
    throw new UserError(vscode.l10n.t('The layer zip does not exist: {0}. Build the layer first.', zipPath));
  const inputs = await askPublishInputs(zipPath, manifest, options, title);
  const zipUri = vscode.Uri.file(zipPath);
  const s3Bucket =
    size > DIRECT_UPLOAD_LIMIT
      ? (options.s3Bucket ?? s3BucketSetting(zipUri) ?? (await askS3Bucket(services, title, formatBytes(size))))
      : undefined;

  await checkBeforePublish(services, inputs.name, zipPath, options);

  const publish = (force: boolean) =>
    withCancellableProgress(vscode.l10n.t('Publishing layer {0}', inputs.name), (report, signal) =>
      publishLayer(
        connection.lambda,
        { ...publishRequest(zipPath, inputs, s3Bucket), force },
        {
          s3: s3Bucket ? connection.clients.s3 : undefined,
          signal,
          log: services.log,
          onProgress: progressReporter(report),
        },
      ),
    );

  let result: PublishResult = await publish(options.ifUnchanged === 'publishAnyway');
  if (
    result.kind === 'unchanged' &&
    (options.ifUnchanged ?? (await askIfUnchanged(result.existing, inputs.name))) === 'publishAnyway'
  ) {
    result = await publish(true);
  }
  const version = result.kind === 'published' ? result.layerVersion : result.existing;
  const outcome: PublishCommandResult = {
    kind: result.kind,
    layerName: inputs.name,
    version: version.Version ?? 0,
    arn: version.LayerVersionArn ?? '',
  };
  services.log.info(
    result.kind === 'published'
      ? `Published ${outcome.arn} (${result.via === 's3' ? `via s3://${s3Bucket}/${result.s3Key}` : 'in the request'}, ${result.uploadedBytes} bytes)`
      : `Using ${outcome.arn}: it already holds ${zipPath}`,
  );
  await showInLayersView(services, outcome);
  void showOutcome(services, outcome);
  return outcome;
}

/**
 * The shared size check of each target function with this zip in place of its version of the layer; a stack
 * past 90 % of the limit asks first (given `functions`, automation: the warnings go to the log).
 */
async function checkBeforePublish(
  services: Services,
  layerName: string,
  zipPath: string,
  options: PublishCommandOptions,
): Promise<void> {
  const targets = options.functions ?? usersOfLayer(services, layerName);
  if (targets.length === 0) return;
  const checks = await checkStacks(
    services,
    targets.map((fn) => publishChange(fn, layerName, zipPath)),
  );
  if (options.functions) return logWarnings(services, checks);
  const warnings = stackWarnings(checks);
  if (warnings.length === 0) return;
  await confirmModal(vscode.l10n.t('Publish {0} anyway?', layerName), bulletList(warnings), vscode.l10n.t('Publish'));
}

/** Functions of the explorer that use a version of this layer of the account (they are what a new version is for). */
function usersOfLayer(services: Services, layerName: string): string[] {
  const layerArn = services.explorer.model?.getLayer(layerName)?.arn;
  const functions = services.explorer.model?.functions ?? [];
  return layerArn ? functions.filter((fn) => fn.layers.some((l) => l.layerArn === layerArn)).map((fn) => fn.name) : [];
}

function isOptions(arg: unknown): arg is PublishCommandOptions {
  return typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) && !(arg instanceof vscode.TreeItem);
}

/** Notification progress: a step name, and the share uploaded while a big zip goes to S3. */
function progressReporter(report: ReportProgress): (p: PublishProgress) => void {
  let percent = 0;
  return (p) => {
    switch (p.phase) {
      case 'hashing':
        return report(vscode.l10n.t('Reading the zip'));
      case 'checking':
        return report(vscode.l10n.t('Comparing with the newest version'));
      case 'uploading': {
        const now = p.totalBytes > 0 ? Math.floor((p.loadedBytes / p.totalBytes) * 100) : 0;
        report(vscode.l10n.t('Uploading to S3: {0}%', now), Math.max(0, now - percent));
        percent = Math.max(percent, now);
        return;
      }
      case 'publishing':
        return report(vscode.l10n.t('Publishing the new version'));
    }
  };
}

async function askIfUnchanged(
  existing: GetLayerVersionResponse,
  name: string,
): Promise<'useExisting' | 'publishAnyway'> {
  const useExisting = vscode.l10n.t('Use Existing');
  const publishAnyway = vscode.l10n.t('Publish Anyway');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Version {0} of {1} already holds this zip with the same description, license, runtimes and architectures.',
      existing.Version ?? '?',
      name,
    ),
    useExisting,
    publishAnyway,
  );
  if (choice === undefined) throw new CancelledError();
  return choice === publishAnyway ? 'publishAnyway' : 'useExisting';
}

/** Re-reads the layer's versions and selects the new one; a failure here does not undo the publish. */
async function showInLayersView(services: Services, outcome: PublishCommandResult): Promise<void> {
  const { explorer } = services;
  try {
    // A first load started later (revealing shows the view) would drop what refreshLayer added until it ends.
    await vscode.window.withProgress({ location: { viewId: LAYERS_VIEW } }, async () => {
      await explorer.model?.load();
      await explorer.refreshLayer(outcome.layerName);
    });
    await services.views.revealLayerVersion(outcome.layerName, outcome.version);
  } catch (e) {
    services.log.warn(`Showing ${outcome.arn} in the Layers view: ${errorMessage(e)}`);
  }
}

async function showOutcome(services: Services, outcome: PublishCommandResult): Promise<void> {
  const message =
    outcome.kind === 'published'
      ? vscode.l10n.t('Published {0} version {1}: {2}', outcome.layerName, outcome.version, outcome.arn)
      : vscode.l10n.t('Using {0} version {1}: {2}', outcome.layerName, outcome.version, outcome.arn);
  const copy = vscode.l10n.t('Copy ARN');
  const attach = vscode.l10n.t('Attach to Functions…');
  const choice = await vscode.window.showInformationMessage(message, copy, attach);
  await callWithErrorHandling(services, 'publish result', async () => {
    if (choice === copy) {
      await vscode.env.clipboard.writeText(outcome.arn);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', outcome.arn), 3000);
    } else if (choice === attach) {
      await vscode.commands.executeCommand('lambdaLayers.attachLayer', outcome.arn);
    }
  });
}
