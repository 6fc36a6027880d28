// Stored records → the JSON shapes Lambda answers with (field order as AWS prints them).
import { functionArn, layerArn, layerVersionArn } from './arn';
import type { FunctionRecord, LayerVersionRecord } from './store/records';
import { sha256Hex } from './wire';

export function layerVersionListItem(region: string, r: LayerVersionRecord, account: string) {
  return {
    LayerVersionArn: layerVersionArn(region, r.name, r.version, account),
    Version: r.version,
    Description: r.description,
    CreatedDate: r.createdDate,
    ...(r.compatibleRuntimes && { CompatibleRuntimes: r.compatibleRuntimes }),
    ...(r.licenseInfo !== undefined && { LicenseInfo: r.licenseInfo }),
    ...(r.compatibleArchitectures && { CompatibleArchitectures: r.compatibleArchitectures }),
  };
}

/** `blobUrl` makes the presigned download URL of the layer's zip. */
export function layerVersion(region: string, blobUrl: (hex: string) => string, r: LayerVersionRecord, account: string) {
  return {
    Content: { Location: blobUrl(r.blob), CodeSha256: r.codeSha256, CodeSize: r.codeSize },
    LayerArn: layerArn(region, r.name, account),
    ...layerVersionListItem(region, r, account),
  };
}

export function layersListItem(region: string, latest: LayerVersionRecord, account: string) {
  return {
    LayerName: latest.name,
    LayerArn: layerArn(region, latest.name, account),
    LatestMatchingVersion: layerVersionListItem(region, latest, account),
  };
}

/** FunctionConfiguration. `listing` drops the state fields, as ListFunctions does. */
export function functionConfiguration(region: string, f: FunctionRecord, listing = false) {
  const config: Record<string, unknown> = {
    FunctionName: f.name,
    FunctionArn: functionArn(region, f.name),
    ...(f.runtime && { Runtime: f.runtime }),
    Role: f.role,
    ...(f.handler !== undefined && { Handler: f.handler }),
    CodeSize: f.codeSize,
    Description: f.description,
    Timeout: f.timeout,
    MemorySize: f.memorySize,
    LastModified: f.lastModified,
    CodeSha256: f.codeSha256,
    Version: '$LATEST',
    ...(f.environment && { Environment: { Variables: f.environment } }),
    TracingConfig: { Mode: f.tracingMode },
    RevisionId: f.revisionId,
    ...(f.layers.length > 0 && { Layers: f.layers.map((l) => ({ Arn: l.arn, CodeSize: l.codeSize })) }),
  };
  if (!listing) Object.assign(config, stateFields(f));
  Object.assign(config, {
    PackageType: 'Zip',
    Architectures: f.architectures,
    EphemeralStorage: { Size: f.ephemeralStorageMb },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    ...(f.runtime && { RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn(region, f.runtime) } }),
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${f.name}` },
  });
  return config;
}

/** AWS names the runtime build a function runs on by a 64-hex id; here one stable id per runtime. */
function runtimeVersionArn(region: string, runtime: string): string {
  return `arn:aws:lambda:${region}::runtime:${sha256Hex(Buffer.from(runtime))}`;
}

function stateFields(f: FunctionRecord) {
  if (f.state === 'Pending') {
    return { State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating' };
  }
  if (f.lastUpdateStatus === 'InProgress') {
    return {
      State: 'Active',
      LastUpdateStatus: 'InProgress',
      LastUpdateStatusReason: 'The function is being created.',
      LastUpdateStatusReasonCode: 'Creating',
    };
  }
  return { State: 'Active', LastUpdateStatus: 'Successful' };
}
