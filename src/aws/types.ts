import type {
  AliasConfiguration,
  FunctionConfiguration,
  LayerVersionsListItem,
  LayersListItem,
  GetFunctionResponse,
  GetLayerVersionResponse,
  InvocationType,
  Architecture,
  Runtime,
} from '@aws-sdk/client-lambda';

/**
 * The typed surface every feature uses to talk to Lambda. Implemented by `SdkLambdaGateway`
 * (src/aws/lambdaGateway.ts) over the real AWS SDK; works the same against AWS, moto or our sandbox.
 * Listings are async iterators that follow NextMarker through every page.
 */
export interface LambdaGateway {
  readonly region: string;

  listLayers(options?: { signal?: AbortSignal }): AsyncIterable<LayersListItem>;
  listLayerVersions(layerName: string, options?: { signal?: AbortSignal }): AsyncIterable<LayerVersionsListItem>;
  /**
   * Pages of functions, so callers can render progressively. `allVersions` (FunctionVersion=ALL): each function's
   * `$LATEST` (ARN ending `:$LATEST`) followed by its published versions; endpoints without versions list `$LATEST` only.
   */
  listFunctionPages(options?: {
    signal?: AbortSignal;
    pageSize?: number;
    allVersions?: boolean;
  }): AsyncIterable<FunctionConfiguration[]>;
  listFunctions(options?: { signal?: AbortSignal }): AsyncIterable<FunctionConfiguration>;
  /**
   * Every function version: `$LATEST` (FunctionArn ending in `:$LATEST`) and each published version
   * (ListFunctions with FunctionVersion=ALL; ListVersionsByFunction per function where the endpoint ignores ALL).
   */
  listFunctionVersions(options?: { signal?: AbortSignal }): AsyncIterable<FunctionConfiguration>;
  /** One function's `$LATEST` and published versions (ListVersionsByFunction), oldest first. */
  listVersionsByFunction(name: string, options?: { signal?: AbortSignal }): AsyncIterable<FunctionConfiguration>;
  /** One function's aliases (ListAliases). */
  listAliases(name: string, options?: { signal?: AbortSignal }): AsyncIterable<AliasConfiguration>;

  getLayerVersion(layerName: string, version: number): Promise<GetLayerVersionResponse>;
  getLayerVersionByArn(arn: string): Promise<GetLayerVersionResponse>;
  publishLayerVersion(input: PublishInput, options?: { signal?: AbortSignal }): Promise<GetLayerVersionResponse>;
  deleteLayerVersion(layerName: string, version: number): Promise<void>;
  /** The version's resource policy as JSON text; ResourceNotFoundException when it has none (or no such version). */
  getLayerVersionPolicy(layerName: string, version: number): Promise<LayerPolicy>;
  /** With `revisionId` Lambda answers 412 when the policy changed since it was read. */
  addLayerVersionPermission(input: LayerPermissionInput): Promise<{ statement?: string; revisionId?: string }>;
  removeLayerVersionPermission(
    layerName: string,
    version: number,
    statementId: string,
    revisionId?: string,
  ): Promise<void>;

  getFunctionConfiguration(name: string): Promise<FunctionConfiguration>;
  /** Configuration plus `Code.Location`, a short-lived download URL of the function's zip. */
  getFunction(name: string): Promise<GetFunctionResponse>;
  /** Sets the function's layer list; with `revisionId` AWS answers 412 when someone else changed it meanwhile. */
  updateFunctionLayers(name: string, layerArns: string[], revisionId?: string): Promise<FunctionConfiguration>;
  /** Waits (SDK waiter) until LastUpdateStatus is Successful; throws with the reason when it is Failed. */
  waitForFunctionUpdated(
    name: string,
    options?: { signal?: AbortSignal; maxWaitSeconds?: number },
  ): Promise<FunctionConfiguration>;
  createFunction(input: CreateFunctionInput): Promise<FunctionConfiguration>;
  /** Replaces the function's code; with `revisionId` AWS answers 412 when someone else changed it meanwhile. */
  updateFunctionCode(name: string, zip: Uint8Array, revisionId?: string): Promise<FunctionConfiguration>;
  deleteFunction(name: string): Promise<void>;

  invoke(name: string, payload: Uint8Array, options?: InvokeOptions): Promise<InvokeResult>;
}

export interface PublishInput {
  layerName: string;
  description?: string;
  licenseInfo?: string;
  compatibleRuntimes?: Runtime[] | string[];
  compatibleArchitectures?: Architecture[] | string[];
  /** Exactly one of zipFile or s3. */
  zipFile?: Uint8Array;
  s3?: { bucket: string; key: string; objectVersion?: string };
}

export interface LayerPolicy {
  policy: string;
  revisionId?: string;
}

export interface LayerPermissionInput {
  layerName: string;
  version: number;
  statementId: string;
  /** A 12-digit account id, or `*` (everyone, or everyone in `organizationId`). */
  principal: string;
  organizationId?: string;
  revisionId?: string;
}

export interface CreateFunctionInput {
  name: string;
  runtime: string;
  handler: string;
  role: string;
  zip: Uint8Array;
  architecture?: string;
  layers?: string[];
  timeout?: number;
  memorySize?: number;
  environment?: Record<string, string>;
  description?: string;
}

export interface InvokeOptions {
  invocationType?: InvocationType;
  /** Ask for the last 4 KB of the log (LogType Tail). */
  tail?: boolean;
  signal?: AbortSignal;
}

export interface InvokeResult {
  statusCode: number;
  /** Raw response payload bytes (JSON text for RequestResponse). */
  payload: Uint8Array;
  functionError?: string;
  /** Decoded log tail when requested. */
  logTail?: string;
  executedVersion?: string;
}
