import type { AliasConfiguration, FunctionConfiguration, LayerVersionsListItem } from '@aws-sdk/client-lambda';
import { arnAccount, parseLayerArn } from '../aws/arn';
import type { AliasNode, AttachedLayer, FunctionNode, FunctionVersionNode, LayerNode, LayerVersionNode } from './nodes';

/** What the model stores per function: the node minus the parts derived from other data. */
export interface FunctionRecord extends Omit<FunctionNode, 'layers' | 'versions' | 'aliases'> {
  accountId?: string;
  layers: AttachedRecord[];
}

export interface PublishedRecord extends Omit<FunctionVersionNode, 'layers'> {
  layers: AttachedRecord[];
}

/** Whether a configuration (from ListFunctions with FunctionVersion=ALL) is a published version, not $LATEST. */
export const isPublishedVersion = (c: FunctionConfiguration) => c.Version !== undefined && c.Version !== '$LATEST';

/** $LATEST's configuration; FunctionVersion=ALL qualifies its ARN with `:$LATEST`, the model keeps it plain. */
export function toFunctionRecord(c: FunctionConfiguration): FunctionRecord {
  return latestRecord(
    c.FunctionArn?.endsWith(':$LATEST') ? { ...c, FunctionArn: c.FunctionArn.slice(0, -':$LATEST'.length) } : c,
  );
}

export function toPublishedRecord(c: FunctionConfiguration): PublishedRecord {
  return {
    functionName: c.FunctionName ?? '',
    version: c.Version ?? '',
    arn: c.FunctionArn ?? '',
    description: c.Description || undefined,
    lastModified: c.LastModified,
    codeSha256: c.CodeSha256,
    layers: (c.Layers ?? []).map((l) => toAttached(l.Arn ?? '', l.CodeSize)),
  };
}

export function toAliasNode(functionName: string, a: AliasConfiguration): AliasNode {
  const [additionalVersion, additionalWeight] =
    Object.entries(a.RoutingConfig?.AdditionalVersionWeights ?? {})[0] ?? [];
  return {
    functionName,
    name: a.Name ?? '',
    arn: a.AliasArn ?? '',
    functionVersion: a.FunctionVersion ?? '',
    ...(additionalVersion !== undefined && { additionalVersion, additionalWeight }),
    description: a.Description || undefined,
  };
}

export type AttachedRecord = Omit<AttachedLayer, 'newerVersion' | 'external'> & { accountId?: string };

export interface LayerRecord extends Omit<LayerNode, 'versions'> {
  versions: VersionRecord[];
}

export type VersionRecord = Omit<LayerVersionNode, 'usedBy' | 'codeSize' | 'codeSha256'>;

function latestRecord(c: FunctionConfiguration): FunctionRecord {
  const arn = c.FunctionArn ?? '';
  return {
    name: c.FunctionName ?? '',
    arn,
    accountId: arnAccount(arn),
    runtime: c.Runtime,
    architecture: c.Architectures?.[0] ?? 'x86_64',
    memory: c.MemorySize,
    timeout: c.Timeout,
    lastModified: c.LastModified,
    handler: c.Handler,
    packageType: c.PackageType,
    revisionId: c.RevisionId,
    state: c.State,
    lastUpdateStatus: c.LastUpdateStatus,
    layers: (c.Layers ?? []).map((l) => toAttached(l.Arn ?? '', l.CodeSize)),
  };
}

function toAttached(arn: string, codeSize: number | undefined): AttachedRecord {
  const ref = parseLayerArn(arn);
  return ref?.version !== undefined
    ? { arn, layerArn: ref.layerArn, layerName: ref.name, version: ref.version, accountId: ref.account, codeSize }
    : { arn, layerArn: arn, layerName: arn, version: 0, codeSize }; // not a layer version ARN: show it as is
}

export function toVersionRecord(layerName: string, v: LayerVersionsListItem): VersionRecord {
  return {
    layerName,
    version: v.Version ?? 0,
    arn: v.LayerVersionArn ?? '',
    runtimes: v.CompatibleRuntimes ?? [],
    architectures: v.CompatibleArchitectures ?? [],
    created: v.CreatedDate,
    description: v.Description || undefined,
    license: v.LicenseInfo || undefined,
  };
}
