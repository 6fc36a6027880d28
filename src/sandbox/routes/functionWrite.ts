import { randomUUID } from 'node:crypto';
import { functionArn, functionNotFound, parseFunctionName, requireLatest } from '../arn';
import type { SandboxContext } from '../context';
import { MAX_CONTROL_REQUEST_BYTES, UPLOAD_BODY_LIMIT } from '../limits';
import type { RequestContext } from '../router';
import { functionConfiguration } from '../shapes';
import type { FunctionRecord, PublishedVersionRecord } from '../store/records';
import { ARCHITECTURES, Problems, checkMemberTypes, decodeZipFile } from '../validate';
import {
  awsDate,
  conflict,
  functionPending,
  invalidParameter,
  preconditionFailed,
  sendJson,
  hexToBase64,
} from '../wire';
import {
  checkConfigFields,
  checkTotalSize,
  requireLayerContent,
  resolveLayers,
  type ConfigFields,
} from './functionInput';
import { checkUploadedZip } from './upload';
import { publishIfAsked, writtenConfiguration } from './versions';

interface CreateBody extends ConfigFields {
  FunctionName?: string;
  Code?: { ZipFile?: string; S3Bucket?: string; S3Key?: string; ImageUri?: string };
  PackageType?: string;
  Tags?: Record<string, string>;
  Publish?: boolean;
}

interface UpdateCodeBody {
  ZipFile?: string;
  S3Bucket?: string;
  S3Key?: string;
  ImageUri?: string;
  RevisionId?: string;
  DryRun?: boolean;
  Architectures?: string[];
  Publish?: boolean;
}

interface UpdateConfigBody extends ConfigFields {
  RevisionId?: string;
}

/** Stores uploaded code (pinned) and returns what the record needs. Only ZipFile: there is no S3 here. */
async function storeCode(sb: SandboxContext, zipFile: string | undefined, s3: boolean, operation: string) {
  if (s3) throw invalidParameter('This local sandbox has no S3: send the code as ZipFile.');
  const zip = decodeZipFile(zipFile, operation);
  if (!zip) throw invalidParameter('Please provide a source for function code: ZipFile.');
  const info = await checkUploadedZip(zip);
  const blob = await sb.store.blobs.put(zip);
  return {
    codeSha256: hexToBase64(blob),
    codeSize: zip.length,
    codeBlob: blob,
    codeUnzippedSize: info.declaredUnzippedBytes,
  };
}

export async function createFunction(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const body = await ctx.json<CreateBody>(UPLOAD_BODY_LIMIT, 'CreateFunction');
  checkMemberTypes(body, {
    FunctionName: 'string',
    Code: 'object',
    'Code.ZipFile': 'string',
    PackageType: 'string',
    Tags: 'stringMap',
    Publish: 'boolean',
  });
  const p = new Problems();
  p.required(body.FunctionName, 'functionName');
  p.required(body.Role, 'role');
  p.required(body.Code, 'code');
  p.throwIfAny();
  const name = parseFunctionName(body.FunctionName!, ctx.region).name;
  if (name.length > 64) {
    throw invalidParameter(
      `1 validation error detected: Value '${body.FunctionName}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  }
  checkConfigFields(body);
  if (body.PackageType === 'Image' || body.Code?.ImageUri)
    throw invalidParameter('This local sandbox runs only Zip functions.');
  if (!body.Runtime || !body.Handler) {
    throw invalidParameter(
      'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    );
  }
  const region = sb.store.region(ctx.region);
  const layers = resolveLayers(ctx.region, body.Layers ?? [], sb.store, ctx.account);
  layers.forEach((l) => sb.store.blobs.pin(l.blob)); // before any await: a concurrent DeleteLayerVersion must not collect them
  let code: Awaited<ReturnType<typeof storeCode>> | undefined;
  try {
    await requireLayerContent(sb.store, layers);
    const stored = await storeCode(
      sb,
      body.Code?.ZipFile,
      Boolean(body.Code?.S3Bucket || body.Code?.S3Key),
      'CreateFunction',
    );
    code = stored;
    checkTotalSize(stored.codeUnzippedSize, layers);
    const record = await region.functions.modify(name, (current) => {
      if (current) throw conflict(`Function already exist: ${name}`);
      const next: FunctionRecord = {
        name,
        runtime: body.Runtime,
        role: body.Role!,
        handler: body.Handler,
        description: body.Description ?? '',
        timeout: body.Timeout ?? 3,
        memorySize: body.MemorySize ?? 128,
        lastModified: awsDate(),
        ...stored,
        ...(body.Environment?.Variables && { environment: body.Environment.Variables }),
        layers,
        architectures: body.Architectures ?? [ARCHITECTURES[0]],
        ephemeralStorageMb: body.EphemeralStorage?.Size ?? 512,
        tracingMode: body.TracingConfig?.Mode ?? 'PassThrough',
        ...(body.Tags && { tags: body.Tags }),
        revisionId: randomUUID(),
        state: 'Pending',
      };
      const published = publishIfAsked(next, body.Publish);
      return { next: published.record, result: published };
    });
    sb.lifecycle.schedule(region.functions, name, record.record.revisionId);
    sb.log.info(`created function ${name}`);
    sendJson(ctx.res, 201, writtenConfiguration(ctx.region, record.record, record.version));
  } finally {
    if (code) await sb.store.blobs.release(code.codeBlob);
    layers.forEach((l) => sb.store.blobs.unpin(l.blob));
  }
}

/** Lambda refuses a change while the function is Pending or an update is InProgress, and on a stale RevisionId. */
export function checkUpdatable(
  ctx: RequestContext,
  current: FunctionRecord | undefined,
  name: string,
  revisionId: string | undefined,
): FunctionRecord {
  if (!current) throw functionNotFound(ctx.region, name);
  if (revisionId !== undefined && revisionId !== current.revisionId) throw preconditionFailed();
  if (current.state === 'Pending') throw functionPending();
  if (current.lastUpdateStatus === 'InProgress') {
    throw conflict(
      `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(ctx.region, name)}`,
    );
  }
  return current;
}

function targetName(ctx: RequestContext): string {
  const ref = parseFunctionName(ctx.params.FunctionName, ctx.region);
  requireLatest(ref, ctx.region);
  return ref.name;
}

export async function updateFunctionCode(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = targetName(ctx);
  const body = await ctx.json<UpdateCodeBody>(UPLOAD_BODY_LIMIT, 'UpdateFunctionCode');
  checkMemberTypes(body, {
    ZipFile: 'string',
    RevisionId: 'string',
    DryRun: 'boolean',
    Architectures: 'strings',
    Publish: 'boolean',
  });
  const p = new Problems();
  p.enumList(body.Architectures, 'architectures', ARCHITECTURES, 1);
  p.throwIfAny();
  if (body.ImageUri) throw invalidParameter('This local sandbox runs only Zip functions.');
  const region = sb.store.region(ctx.region);
  if (!region.functions.get(name)) throw functionNotFound(ctx.region, name);
  const code = await storeCode(sb, body.ZipFile, Boolean(body.S3Bucket || body.S3Key), 'UpdateFunctionCode');
  try {
    const { record, version, replaced } = await region.functions.modify<{
      record: FunctionRecord;
      version?: PublishedVersionRecord;
      replaced?: string;
    }>(name, (current) => {
      const f = checkUpdatable(ctx, current, name, body.RevisionId);
      checkTotalSize(code.codeUnzippedSize, f.layers);
      if (body.DryRun) return { next: undefined, result: { record: f } };
      const next: FunctionRecord = {
        ...f,
        ...code,
        ...(body.Architectures && { architectures: body.Architectures }),
        lastModified: awsDate(),
        revisionId: randomUUID(),
        lastUpdateStatus: 'InProgress',
      };
      const published = publishIfAsked(next, body.Publish);
      return { next: published.record, result: { ...published, replaced: f.codeBlob } };
    });
    if (!body.DryRun) sb.lifecycle.schedule(region.functions, name, record.revisionId);
    sendJson(ctx.res, 200, writtenConfiguration(ctx.region, record, version));
    if (replaced && replaced !== code.codeBlob) await sb.store.blobs.deleteIfUnused(replaced);
  } finally {
    await sb.store.blobs.release(code.codeBlob);
  }
}

export async function updateFunctionConfiguration(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = targetName(ctx);
  const body = await ctx.json<UpdateConfigBody>(MAX_CONTROL_REQUEST_BYTES, 'UpdateFunctionConfiguration');
  checkConfigFields(body);
  const region = sb.store.region(ctx.region);
  const layers = body.Layers && resolveLayers(ctx.region, body.Layers, sb.store, ctx.account);
  layers?.forEach((l) => sb.store.blobs.pin(l.blob));
  try {
    if (layers) await requireLayerContent(sb.store, layers);
    const { record, dropped } = await region.functions.modify(name, (current) => {
      const f = checkUpdatable(ctx, current, name, body.RevisionId);
      if (layers) checkTotalSize(f.codeUnzippedSize, layers);
      const next: FunctionRecord = {
        ...f,
        ...(body.Role !== undefined && { role: body.Role }),
        ...(body.Handler !== undefined && { handler: body.Handler }),
        ...(body.Description !== undefined && { description: body.Description }),
        ...(body.Timeout !== undefined && { timeout: body.Timeout }),
        ...(body.MemorySize !== undefined && { memorySize: body.MemorySize }),
        ...(body.Runtime !== undefined && { runtime: body.Runtime }),
        ...(body.Environment !== undefined && { environment: body.Environment.Variables ?? {} }),
        ...(layers && { layers }),
        ...(body.EphemeralStorage?.Size !== undefined && { ephemeralStorageMb: body.EphemeralStorage.Size }),
        ...(body.TracingConfig?.Mode !== undefined && { tracingMode: body.TracingConfig.Mode }),
        lastModified: awsDate(),
        revisionId: randomUUID(),
        lastUpdateStatus: 'InProgress',
      };
      return { next, result: { record: next, dropped: layers ? f.layers.map((l) => l.blob) : [] } };
    });
    sb.lifecycle.schedule(region.functions, name, record.revisionId);
    sendJson(ctx.res, 200, functionConfiguration(ctx.region, record));
    for (const hex of dropped) await sb.store.blobs.deleteIfUnused(hex);
  } finally {
    layers?.forEach((l) => sb.store.blobs.unpin(l.blob));
  }
}
