import type { GetLayerVersionResponse } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream, promises as fs } from 'node:fs';
import * as l10n from '@vscode/l10n';
import { classifyAwsError } from '../aws/errors';
import type { LambdaGateway, PublishInput } from '../aws/types';
import { CancelledError, UserError, isCancellation, throwIfAborted } from '../util/errors';
import { formatBytes } from '../util/format';
import { silentLog, type Log } from '../util/log';
import { validateLayerName } from '../layer/build';
import { sha256File } from '../layer/cache';
import { DIRECT_UPLOAD_LIMIT, manifestPathFor, readManifest, type LayerManifest } from '../layer/manifest';
import { isArchitecture } from '../layer/runtimes';
import { packageSummary } from './manifest';
import { descriptionText, withMarker } from './marker';

export interface PublishRequest {
  zipPath: string;
  name: string;
  /** The build manifest; defaults to `<zip without .zip>.manifest.json`. Publishing works without one. */
  manifestPath?: string;
  /** Defaults to a short package summary from the manifest. */
  description?: string;
  licenseInfo?: string;
  /** Default: from the manifest. */
  compatibleRuntimes?: string[];
  /** Default: from the manifest. */
  compatibleArchitectures?: string[];
  /** Needed only for zips over 50 MB. */
  s3Bucket?: string;
  /** Publish a new version even when the newest one already holds this zip and metadata. */
  force?: boolean;
}

export type PublishProgress =
  | { phase: 'hashing' }
  | { phase: 'checking' }
  | { phase: 'uploading'; loadedBytes: number; totalBytes: number }
  | { phase: 'publishing' };

export interface PublishOptions {
  /** Used only for zips over 50 MB; create it with the same connection as the gateway. */
  s3?: S3Client;
  signal?: AbortSignal;
  onProgress?: (p: PublishProgress) => void;
  log?: Log;
}

export type PublishResult =
  | {
      kind: 'published';
      layerVersion: GetLayerVersionResponse;
      via: 'request' | 's3';
      uploadedBytes: number;
      s3Key?: string;
    }
  | { kind: 'unchanged'; existing: GetLayerVersionResponse };

interface Metadata {
  description: string;
  licenseInfo: string;
  runtimes: string[];
  architectures: string[];
}

export async function publishLayer(
  gateway: LambdaGateway,
  request: PublishRequest,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const { signal } = options;
  const report = options.onProgress ?? (() => {});
  const log = options.log ?? silentLog;
  validateLayerName(request.name);
  const size = await zipSize(request.zipPath);

  report({ phase: 'hashing' });
  const sha = await hashFile(request.zipPath, signal);
  // The build's reader: undefined when missing, unreadable or of another manifest version.
  const manifest = await readManifest(request.manifestPath ?? manifestPathFor(request.zipPath));
  if (manifest && !manifestMatches(manifest, sha)) {
    throw new UserError(
      l10n.t('The build manifest does not belong to {0} (different checksum). Rebuild the layer.', request.zipPath),
    );
  }
  const meta = resolveMetadata(request, manifest);
  // Every version records its zip's hash and this tool's version, so any tool listing versions can tell builds apart.
  meta.description = withMarker(meta.description, sha.hex);

  if (!request.force) {
    report({ phase: 'checking' });
    const newest = await newestVersion(gateway, request.name, signal);
    if (newest && newest.Content?.CodeSha256 === sha.base64 && sameMetadata(newest, meta)) {
      log.debug(`${request.name}: version ${newest.Version} already holds this zip; nothing published`);
      return { kind: 'unchanged', existing: newest };
    }
  }

  const input: PublishInput = {
    layerName: request.name,
    description: meta.description || undefined,
    licenseInfo: meta.licenseInfo || undefined,
    compatibleRuntimes: meta.runtimes.length ? meta.runtimes : undefined,
    compatibleArchitectures: meta.architectures.length ? meta.architectures : undefined,
  };
  let via: 'request' | 's3' = 'request';
  let s3Key: string | undefined;
  if (size <= DIRECT_UPLOAD_LIMIT) {
    input.zipFile = await fs.readFile(request.zipPath);
  } else {
    via = 's3';
    if (!request.s3Bucket || !options.s3) {
      throw new UserError(
        l10n.t(
          '{0} is {1}; layers over 50 MB are published through an S3 bucket. Set an S3 bucket for uploads and try again.',
          request.zipPath,
          formatBytes(size),
        ),
      );
    }
    s3Key = `lambda-layers/${request.name}/${sha.hex}.zip`;
    await uploadToS3(options.s3, request.s3Bucket, s3Key, request.zipPath, size, report, signal);
    input.s3 = { bucket: request.s3Bucket, key: s3Key };
  }

  throwIfAborted(signal);
  report({ phase: 'publishing' });
  const layerVersion = await gateway.publishLayerVersion(input, { signal });
  if (layerVersion.Content?.CodeSha256 && layerVersion.Content.CodeSha256 !== sha.base64) {
    log.warn(
      `${request.name}: Lambda reports CodeSha256 ${layerVersion.Content.CodeSha256}, the local zip has ${sha.base64}`,
    );
  }
  return { kind: 'published', layerVersion, via, uploadedBytes: size, s3Key };
}

async function zipSize(path: string): Promise<number> {
  const stat = await fs.stat(path).catch(() => undefined);
  if (stat?.isDirectory())
    throw new UserError(l10n.t('{0} is a folder, not a layer zip. Give the zip file the build wrote.', path));
  if (!stat?.isFile()) throw new UserError(l10n.t('The layer zip does not exist: {0}. Build the layer first.', path));
  if (stat.size === 0) throw new UserError(l10n.t('{0} is empty. Build the layer again.', path));
  return stat.size;
}

async function hashFile(path: string, signal?: AbortSignal): Promise<{ hex: string; base64: string }> {
  const hex = await sha256File(path, signal);
  return { hex, base64: Buffer.from(hex, 'hex').toString('base64') };
}

function manifestMatches(m: LayerManifest, sha: { hex: string; base64: string }): boolean {
  return (
    (m.sha256 === undefined || m.sha256 === sha.hex) && (m.codeSha256 === undefined || m.codeSha256 === sha.base64)
  );
}

function resolveMetadata(r: PublishRequest, m: LayerManifest | undefined): Metadata {
  const meta: Metadata = {
    description: r.description ?? (m ? packageSummary(m) : ''),
    licenseInfo: r.licenseInfo ?? '',
    runtimes: r.compatibleRuntimes ?? (m?.runtime ? [m.runtime] : []),
    architectures: r.compatibleArchitectures ?? (m?.architecture ? [m.architecture] : []),
  };
  if (meta.description.length > 256)
    throw new UserError(
      l10n.t('The description is {0} characters; Lambda allows at most 256.', meta.description.length),
    );
  if (meta.licenseInfo.length > 512)
    throw new UserError(l10n.t('The license is {0} characters; Lambda allows at most 512.', meta.licenseInfo.length));
  if (meta.runtimes.length > 15) throw new UserError(l10n.t('A layer can list at most 15 compatible runtimes.'));
  const badArch = meta.architectures.find((a) => !isArchitecture(a));
  if (badArch !== undefined)
    throw new UserError(l10n.t('"{0}" is not a Lambda architecture; use x86_64 or arm64.', badArch));
  return meta;
}

/** The newest version with its content checksum (ListLayerVersions items have no CodeSha256); undefined when there is none. */
export async function newestVersion(
  gateway: LambdaGateway,
  name: string,
  signal?: AbortSignal,
): Promise<GetLayerVersionResponse | undefined> {
  let newest: number | undefined;
  try {
    // Lambda lists versions newest first, so the first item is all we need.
    for await (const v of gateway.listLayerVersions(name, { signal })) {
      newest = v.Version;
      break;
    }
  } catch (e) {
    if (classifyAwsError(e) === 'notFound') return undefined;
    throw e;
  }
  return newest === undefined ? undefined : gateway.getLayerVersion(name, newest);
}

function sameMetadata(v: GetLayerVersionResponse, m: Metadata): boolean {
  return (
    // The marker's tool version is not metadata: the same zip from another release of this tool is unchanged,
    // and so is a version published before versions were marked.
    descriptionText(v.Description ?? '') === descriptionText(m.description) &&
    (v.LicenseInfo ?? '') === m.licenseInfo &&
    sameSet(v.CompatibleRuntimes ?? [], m.runtimes) &&
    sameSet(v.CompatibleArchitectures ?? [], m.architectures)
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** Multipart upload with progress; aborting the signal aborts the upload (lib-storage cleans up the parts). */
async function uploadToS3(
  s3: S3Client,
  bucket: string,
  key: string,
  path: string,
  size: number,
  report: (p: PublishProgress) => void,
  signal?: AbortSignal,
): Promise<void> {
  throwIfAborted(signal);
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: createReadStream(path), ContentLength: size },
  });
  upload.on('httpUploadProgress', (p) => report({ phase: 'uploading', loadedBytes: p.loaded ?? 0, totalBytes: size }));
  const onAbort = () => void upload.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  report({ phase: 'uploading', loadedBytes: 0, totalBytes: size });
  try {
    await upload.done();
  } catch (e) {
    if (signal?.aborted || isCancellation(e)) throw new CancelledError();
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
