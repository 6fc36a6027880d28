import { ListBucketsCommand } from '@aws-sdk/client-s3';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LAYER_NAME } from '../layer/build';
import type { LayerManifest } from '../layer/manifest';
import { ARCHITECTURES, RUNTIMES } from '../layer/runtimes';
import { packageSummary } from '../ops/manifest';
import type { PublishRequest } from '../ops/publish';
import type { Services } from '../services';
import { errorMessage } from '../util/errors';
import { validateLayerName } from './buildChoices';
import { askText, pickMany, pickOne } from './prompts';

/** The metadata of a new layer version. */
export interface PublishInputs {
  name: string;
  description: string;
  license: string;
  runtimes: string[];
  architectures: string[];
}

/** The engines' publish request for a zip and the answers. */
export function publishRequest(zipPath: string, inputs: PublishInputs, s3Bucket: string | undefined): PublishRequest {
  return {
    zipPath,
    name: inputs.name,
    description: inputs.description,
    licenseInfo: inputs.license,
    compatibleRuntimes: inputs.runtimes,
    compatibleArchitectures: inputs.architectures,
    s3Bucket,
  };
}

/**
 * Asks for whatever `given` leaves open. A zip from our build already says its name, runtime and architecture
 * (typed or picked when building): only the description (prefilled) and the license are asked then.
 */
export async function askPublishInputs(
  zipPath: string,
  manifest: LayerManifest | undefined,
  asked: Partial<PublishInputs>,
  title: string,
): Promise<PublishInputs> {
  const given: Partial<PublishInputs> = {
    name: asked.name ?? manifest?.layerName,
    description: asked.description,
    license: asked.license,
    runtimes: asked.runtimes ?? (manifest && [manifest.runtime]),
    architectures: asked.architectures ?? (manifest && [manifest.architecture]),
  };
  const step = stepTitles(manifest ? `${title}: ${given.name}` : title, given);
  const name =
    given.name ??
    (await askText({
      title: step(),
      prompt: vscode.l10n.t('Layer name (letters, digits, hyphens and underscores)'),
      value: manifest?.layerName ?? defaultName(zipPath),
      validateInput: validateLayerName,
    }));
  const description =
    given.description ??
    (await askText({
      title: step(),
      prompt: vscode.l10n.t('Description of the version (optional, at most 256 characters)'),
      value: manifest ? packageSummary(manifest) : '',
      validateInput: (v) =>
        v.trim().length > 256 ? vscode.l10n.t('At most 256 characters ({0} now).', v.trim().length) : undefined,
    }));
  const license =
    given.license ??
    (await askText({
      title: step(),
      prompt: vscode.l10n.t('License (optional): an SPDX identifier such as MIT, or a URL'),
      placeHolder: vscode.l10n.t('Leave empty for none'),
      validateInput: (v) =>
        v.trim().length > 512 ? vscode.l10n.t('At most 512 characters ({0} now).', v.trim().length) : undefined,
    }));
  const runtimes =
    given.runtimes ??
    (await pickList(
      step(),
      vscode.l10n.t('Compatible runtimes (none selected: any)'),
      Object.keys(RUNTIMES),
      manifest?.runtime,
    ));
  const architectures =
    given.architectures ??
    (await pickList(
      step(),
      vscode.l10n.t('Compatible architectures (none selected: any)'),
      ARCHITECTURES,
      manifest?.architecture,
    ));
  return { name, description, license, runtimes, architectures };
}

/** "Publish Layer (2/5)" for the prompts actually shown. */
function stepTitles(title: string, given: Partial<PublishInputs>): () => string {
  const total = (['name', 'description', 'license', 'runtimes', 'architectures'] as const).filter(
    (k) => given[k] === undefined,
  ).length;
  let current = 0;
  return () => `${title} (${++current}/${total})`;
}

async function pickList(
  title: string,
  placeholder: string,
  values: readonly string[],
  preselected: string | undefined,
): Promise<string[]> {
  const items = values.map((label) => ({ label }));
  const picked = await pickMany({ title, placeholder, items, selected: items.filter((i) => i.label === preselected) });
  return picked.map((i) => i.label);
}

function defaultName(zipPath: string): string {
  const base = path
    .basename(zipPath)
    .replace(/\.zip$/i, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .slice(0, 140);
  return LAYER_NAME.test(base) ? base : 'layer';
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** For zips over 50 MB: a bucket of the account (listed when allowed) or one typed in. */
export async function askS3Bucket(services: Services, title: string, sizeText: string): Promise<string> {
  const buckets = await listBuckets(services);
  if (buckets.length > 0) {
    const items: (vscode.QuickPickItem & { bucket?: string })[] = [
      ...buckets.map((bucket) => ({ label: `$(database) ${bucket}`, bucket })),
      { label: vscode.l10n.t('$(edit) Enter a bucket name…') },
    ];
    const picked = await pickOne({
      title,
      placeholder: vscode.l10n.t('The zip is {0}: choose an S3 bucket to upload it through', sizeText),
      items,
    });
    if (picked.bucket) return picked.bucket;
  }
  return askText({
    title,
    prompt: vscode.l10n.t(
      'The zip is {0}: layers over 50 MB are uploaded through an S3 bucket in the same region. Bucket name:',
      sizeText,
    ),
    validateInput: (v) => (BUCKET_NAME.test(v.trim()) ? undefined : vscode.l10n.t('Not a valid S3 bucket name.')),
  });
}

async function listBuckets(services: Services): Promise<string[]> {
  try {
    // Lambda reads the zip from a bucket in its own region.
    const { clients, settings } = services.connection.require();
    const { Buckets } = await clients.s3.send(new ListBucketsCommand({ BucketRegion: settings.region }));
    return (Buckets ?? [])
      .filter((b) => !b.BucketRegion || b.BucketRegion === settings.region)
      .map((b) => b.Name)
      .filter((n): n is string => Boolean(n))
      .sort();
  } catch (e) {
    services.log.warn(`Could not list S3 buckets: ${errorMessage(e)}`);
    return [];
  }
}
