import { layerVersionArn, parseLayerName, parseLayerVersionArn, LAYER_VERSION_ARN_PATTERN } from '../arn';
import {
  MAX_COMPATIBLE_RUNTIMES,
  MAX_DESCRIPTION,
  MAX_LAYER_PAGE,
  MAX_LICENSE_INFO,
  UPLOAD_BODY_LIMIT,
} from '../limits';
import { paginate } from '../paging';
import type { Router, RequestContext } from '../router';
import type { SandboxContext } from '../context';
import { layerVersion, layerVersionListItem, layersListItem } from '../shapes';
import type { LayerVersionRecord } from '../store/records';
import { ARCHITECTURES, Problems, RUNTIMES, checkMemberTypes, decodeZipFile, maxItemsParam } from '../validate';
import { awsDate, invalidParameter, notFound, sendEmpty, sendJson, hexToBase64 } from '../wire';
import { checkUploadedZip } from './upload';
import { layerPolicyRoutes } from './layerPolicy';
import { layerAccessDenied, mayGetLayerVersion } from '../layerAccess';

interface PublishBody {
  Content?: { ZipFile?: string; S3Bucket?: string; S3Key?: string };
  Description?: string;
  CompatibleRuntimes?: string[];
  CompatibleArchitectures?: string[];
  LicenseInfo?: string;
}

export function layerRoutes(router: Router, sb: SandboxContext): void {
  router
    .add('POST', '/2018-10-31/layers/:LayerName/versions', (ctx) => publish(ctx, sb))
    .add('GET', '/2018-10-31/layers', (ctx) =>
      ctx.query.get('find') === 'LayerVersion' ? getByArn(ctx, sb) : listLayers(ctx, sb),
    )
    .add('GET', '/2018-10-31/layers/:LayerName/versions', (ctx) => listVersions(ctx, sb))
    .add('GET', '/2018-10-31/layers/:LayerName/versions/:VersionNumber', (ctx) => getVersion(ctx, sb))
    .add('DELETE', '/2018-10-31/layers/:LayerName/versions/:VersionNumber', (ctx) => deleteVersion(ctx, sb));
  layerPolicyRoutes(router, sb, versionParam);
}

async function publish(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = parseLayerName(ctx.params.LayerName);
  const body = await ctx.json<PublishBody>(UPLOAD_BODY_LIMIT, 'PublishLayerVersion');
  checkMemberTypes(body, {
    Content: 'object',
    'Content.ZipFile': 'string',
    Description: 'string',
    LicenseInfo: 'string',
    CompatibleRuntimes: 'strings',
    CompatibleArchitectures: 'strings',
  });
  const p = new Problems();
  p.required(body.Content, 'content');
  p.maxLength(body.Description, 'description', MAX_DESCRIPTION);
  p.maxLength(body.LicenseInfo, 'licenseInfo', MAX_LICENSE_INFO);
  p.enumList(body.CompatibleRuntimes, 'compatibleRuntimes', RUNTIMES, MAX_COMPATIBLE_RUNTIMES);
  p.enumList(body.CompatibleArchitectures, 'compatibleArchitectures', ARCHITECTURES, 2);
  p.throwIfAny();
  if (body.Content?.S3Bucket || body.Content?.S3Key) {
    throw invalidParameter('This local sandbox has no S3: send the layer as Content.ZipFile.');
  }
  const zip = decodeZipFile(body.Content?.ZipFile, 'PublishLayerVersion');
  if (!zip) throw invalidParameter('Please provide a source for the layer content: Content.ZipFile.');
  const info = await checkUploadedZip(zip);

  const hex = await sb.store.blobs.put(zip);
  try {
    const record = await sb.store.layers(ctx.region, ctx.account).publish(name, (version): LayerVersionRecord => ({
      name,
      version,
      description: body.Description ?? '',
      createdDate: awsDate(),
      ...(body.CompatibleRuntimes && { compatibleRuntimes: body.CompatibleRuntimes }),
      ...(body.CompatibleArchitectures && { compatibleArchitectures: body.CompatibleArchitectures }),
      ...(body.LicenseInfo !== undefined && { licenseInfo: body.LicenseInfo }),
      codeSha256: hexToBase64(hex),
      codeSize: zip.length,
      blob: hex,
      unzippedSize: info.declaredUnzippedBytes,
    }));
    sb.log.info(`published ${record.name}:${record.version} (${zip.length} bytes)`);
    sendJson(ctx.res, 201, layerVersion(ctx.region, ctx.blobUrl, record, ctx.account));
  } finally {
    await sb.store.blobs.release(hex);
  }
}

function filters(ctx: RequestContext): (r: LayerVersionRecord) => boolean {
  const runtime = ctx.query.get('CompatibleRuntime') ?? undefined;
  const arch = ctx.query.get('CompatibleArchitecture') ?? undefined;
  const p = new Problems();
  p.enumValue(runtime, 'compatibleRuntime', RUNTIMES);
  p.enumValue(arch, 'compatibleArchitecture', ARCHITECTURES);
  p.throwIfAny();
  return (r) =>
    (!runtime || (r.compatibleRuntimes ?? []).includes(runtime)) &&
    (!arch || (r.compatibleArchitectures ?? []).includes(arch));
}

async function listLayers(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const matches = filters(ctx);
  const limit = maxItemsParam(ctx.query.get('MaxItems'), MAX_LAYER_PAGE) ?? MAX_LAYER_PAGE;
  const layers = sb.store.layers(ctx.region, ctx.account);
  const latest = layers
    .names()
    .map((n) => layers.versionsOf(n).find(matches))
    .filter((r): r is LayerVersionRecord => r !== undefined);
  const { page, nextMarker } = paginate(
    latest,
    ctx.query.get('Marker'),
    limit,
    (r) => r.name,
    (r, key) => r.name > key,
  );
  sendJson(ctx.res, 200, {
    ...(nextMarker && { NextMarker: nextMarker }),
    Layers: page.map((r) => layersListItem(ctx.region, r, ctx.account)),
  });
}

async function listVersions(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = parseLayerName(ctx.params.LayerName);
  const matches = filters(ctx);
  const limit = maxItemsParam(ctx.query.get('MaxItems'), MAX_LAYER_PAGE) ?? MAX_LAYER_PAGE;
  const versions = sb.store.layers(ctx.region, ctx.account).versionsOf(name).filter(matches);
  const { page, nextMarker } = paginate(
    versions,
    ctx.query.get('Marker'),
    limit,
    (r) => String(r.version),
    (r, key) => r.version < Number(key),
  );
  sendJson(ctx.res, 200, {
    ...(nextMarker && { NextMarker: nextMarker }),
    LayerVersions: page.map((r) => layerVersionListItem(ctx.region, r, ctx.account)),
  });
}

function versionParam(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n)) {
    const p = new Problems();
    p.pattern(raw, 'versionNumber', '[0-9]+');
    p.throwIfAny();
  }
  if (n < 1) throw invalidParameter('Layer Version Cannot be less than 1.');
  return n;
}

const noSuchVersion = () => notFound('The resource you requested does not exist.');

async function getVersion(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = parseLayerName(ctx.params.LayerName);
  const version = versionParam(ctx.params.VersionNumber);
  // LayerName may be another account's layer ARN: then, as by ARN, only a grant lets the caller see it.
  const owner = LAYER_ARN_OWNER.exec(ctx.params.LayerName)?.[1] ?? ctx.account;
  const record = sb.store.layers(ctx.region, owner).get(name, version);
  if (
    owner !== ctx.account &&
    !(
      record &&
      mayGetLayerVersion(sb.store.policies, ctx.account, { account: owner, region: ctx.region, name, version })
    )
  ) {
    throw layerAccessDenied(ctx.account, layerVersionArn(ctx.region, name, version, owner));
  }
  if (!record) throw noSuchVersion();
  sendJson(ctx.res, 200, layerVersion(ctx.region, ctx.blobUrl, record, owner));
}

const LAYER_ARN_OWNER = /^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:(\d{12}):layer:/;

async function getByArn(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const arn = ctx.query.get('Arn') ?? '';
  const ref = parseLayerVersionArn(arn);
  if (!ref) {
    const p = new Problems();
    p.required(ctx.query.get('Arn') ?? undefined, 'arn');
    p.pattern(arn, 'arn', LAYER_VERSION_ARN_PATTERN);
    p.throwIfAny();
    throw invalidParameter(`Invalid layer version ARN: ${arn}`);
  }
  const record =
    ref.region === ctx.region ? sb.store.layers(ctx.region, ref.account).get(ref.name, ref.version) : undefined;
  // Another account's version is visible only when its policy grants it to the caller (missing looks the same).
  if (
    ref.account !== ctx.account &&
    ref.region === ctx.region &&
    !(record && mayGetLayerVersion(sb.store.policies, ctx.account, ref))
  ) {
    throw layerAccessDenied(ctx.account, arn);
  }
  if (!record) throw noSuchVersion();
  sendJson(ctx.res, 200, layerVersion(ctx.region, ctx.blobUrl, record, ref.account));
}

async function deleteVersion(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = parseLayerName(ctx.params.LayerName);
  const version = versionParam(ctx.params.VersionNumber);
  // Idempotent: deleting what does not exist is also 204.
  const removed = await sb.store.layers(ctx.region, ctx.account).delete(name, version);
  if (removed) await sb.store.blobs.deleteIfUnused(removed.blob);
  if (removed) await sb.store.policies.remove({ account: ctx.account, region: ctx.region, name, version });
  sendEmpty(ctx.res, 204);
}
