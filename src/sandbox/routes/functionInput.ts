// Validation of the configuration fields CreateFunction and UpdateFunctionConfiguration share.
import { parseLayerVersionArn, LAYER_VERSION_ARN_PATTERN } from '../arn';
import {
  MAX_DESCRIPTION,
  MAX_LAYERS_PER_FUNCTION,
  MAX_MEMORY_MB,
  MAX_TIMEOUT_SECONDS,
  MAX_UNZIPPED_BYTES,
  MIN_MEMORY_MB,
} from '../limits';
import type { FunctionLayerRecord } from '../store/records';
import type { Store } from '../store/store';
import { ARCHITECTURES, Problems, checkMemberTypes, checkRuntime } from '../validate';
import { invalidParameter } from '../wire';
import { layerAccessDenied, mayGetLayerVersion } from '../layerAccess';

export interface ConfigFields {
  Role?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Runtime?: string;
  Environment?: { Variables?: Record<string, string> };
  Layers?: string[];
  EphemeralStorage?: { Size?: number };
  TracingConfig?: { Mode?: string };
  Architectures?: string[];
}

const CONFIG_TYPES = {
  Role: 'string',
  Handler: 'string',
  Description: 'string',
  Timeout: 'integer',
  MemorySize: 'integer',
  Runtime: 'string',
  Environment: 'object',
  'Environment.Variables': 'stringMap',
  Layers: 'strings',
  EphemeralStorage: 'object',
  'EphemeralStorage.Size': 'integer',
  TracingConfig: 'object',
  'TracingConfig.Mode': 'string',
  Architectures: 'strings',
} as const;

const ROLE_PATTERN = 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';
const ENV_NAME_PATTERN = '[a-zA-Z]([a-zA-Z0-9_])+';
const RESERVED_ENV = [
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
];

/** Model constraints first (ValidationException), then Lambda's own rules (InvalidParameterValueException). */
export function checkConfigFields(body: ConfigFields): void {
  checkMemberTypes(body, CONFIG_TYPES);
  const p = new Problems();
  p.pattern(body.Role, 'role', ROLE_PATTERN);
  p.maxLength(body.Handler, 'handler', 128);
  p.pattern(body.Handler, 'handler', '[^\\s]+');
  p.maxLength(body.Description, 'description', MAX_DESCRIPTION);
  p.range(body.Timeout, 'timeout', 1);
  p.range(body.MemorySize, 'memorySize', MIN_MEMORY_MB, 32768);
  p.range(body.EphemeralStorage?.Size, 'ephemeralStorage.size', 512, 10240);
  p.enumList(body.Architectures, 'architectures', ARCHITECTURES, 1);
  p.enumValue(body.TracingConfig?.Mode, 'tracingConfig.mode', ['Active', 'PassThrough']);
  p.mapKeysPattern(body.Environment?.Variables, 'environment.variables', ENV_NAME_PATTERN);
  if (body.Layers !== undefined && !Array.isArray(body.Layers)) p.required(undefined, 'layers');
  for (const arn of Array.isArray(body.Layers) ? body.Layers : [])
    p.pattern(String(arn), 'layers', LAYER_VERSION_ARN_PATTERN);
  p.throwIfAny();

  checkRuntime(body.Runtime);
  if (body.Timeout !== undefined && body.Timeout > MAX_TIMEOUT_SECONDS) {
    throw invalidParameter(
      `'Timeout' value failed to satisfy constraint: Member must have value less than or equal to ${MAX_TIMEOUT_SECONDS}`,
    );
  }
  if (body.MemorySize !== undefined && body.MemorySize > MAX_MEMORY_MB) {
    throw invalidParameter(
      `'MemorySize' value failed to satisfy constraint: Member must have value less than or equal to ${MAX_MEMORY_MB}`,
    );
  }
  const vars = body.Environment?.Variables ?? {};
  const reserved = Object.keys(vars).filter((k) => RESERVED_ENV.includes(k));
  if (reserved.length > 0) {
    throw invalidParameter(
      'Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. ' +
        `Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  if (Buffer.byteLength(JSON.stringify(vars)) > 4096) {
    throw invalidParameter(
      'Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit.',
    );
  }
}

/**
 * Resolves a Layers list with Lambda's checks and messages, in Lambda's order. Another account's layer version
 * may be used only when its policy grants it to `caller` (AccessDeniedException otherwise, as on AWS).
 */
export function resolveLayers(region: string, arns: string[], store: Store, caller: string): FunctionLayerRecord[] {
  if (arns.length > MAX_LAYERS_PER_FUNCTION)
    throw invalidParameter(`Cannot reference more than ${MAX_LAYERS_PER_FUNCTION} layers.`);
  const refs = arns.map((arn) => parseLayerVersionArn(arn)!);
  const seen = new Map<string, string>();
  for (const ref of refs) {
    const layer = ref.arn.slice(0, ref.arn.lastIndexOf(':'));
    const other = seen.get(layer);
    if (other !== undefined) {
      throw invalidParameter(
        `Two different versions of the same layer are not allowed to be referenced in the same function. ${other} and ${ref.arn} are versions of the same layer.`,
      );
    }
    seen.set(layer, ref.arn);
  }
  const foreign = refs.find((r) => r.region !== region);
  if (foreign) {
    throw invalidParameter(
      `Layers are not in the same region as the function. Layers are expected to be in region ${region}.`,
    );
  }
  return refs.map((ref) => {
    const record = store.layers(region, ref.account).get(ref.name, ref.version);
    if (ref.account !== caller && !(record && mayGetLayerVersion(store.policies, caller, ref)))
      throw layerAccessDenied(caller, ref.arn);
    if (!record) throw invalidParameter(`Layer version ${ref.arn} does not exist.`);
    return {
      arn: ref.arn,
      codeSize: record.codeSize,
      codeSha256: record.codeSha256,
      blob: record.blob,
      unzippedSize: record.unzippedSize,
    };
  });
}

/** A layer version whose zip is gone (lost, or deleted by hand) keeps its record but cannot be attached. */
export async function requireLayerContent(store: Store, layers: FunctionLayerRecord[]): Promise<void> {
  const missing = await store.blobs.firstMissing(layers.map((l) => l.blob));
  const layer = layers.find((l) => l.blob === missing);
  if (layer) {
    throw invalidParameter(
      `Layer version ${layer.arn} cannot be used: its content (${layer.blob}.zip) is missing from the endpoint's data folder. Publish the layer again and use the new version.`,
    );
  }
}

/** Function code plus layers must fit in 250 MB unzipped. */
export function checkTotalSize(codeUnzipped: number, layers: FunctionLayerRecord[]): void {
  const total = codeUnzipped + layers.reduce((n, l) => n + l.unzippedSize, 0);
  if (total > MAX_UNZIPPED_BYTES) {
    throw invalidParameter(
      `Function code combined with layers exceeds the maximum allowed size of ${MAX_UNZIPPED_BYTES} bytes. The actual size is ${total} bytes.`,
    );
  }
}
