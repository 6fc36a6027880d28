import {
  AddLayerVersionPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  DeleteLayerVersionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  InvokeCommand,
  PublishLayerVersionCommand,
  RemoveLayerVersionPermissionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  paginateListAliases,
  paginateListFunctions,
  paginateListLayerVersions,
  paginateListLayers,
  paginateListVersionsByFunction,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type AliasConfiguration,
  type Architecture,
  type FunctionConfiguration,
  type GetFunctionResponse,
  type GetLayerVersionResponse,
  type LambdaClient,
  type LayerVersionsListItem,
  type LayersListItem,
  type Runtime,
} from '@aws-sdk/client-lambda';
import * as l10n from '@vscode/l10n';
import { CancelledError, UserError } from '../util/errors';
import { UnsupportedOperationError, classifyAwsError } from './errors';
import { parseLayerArn } from './arn';
import type {
  CreateFunctionInput,
  InvokeOptions,
  InvokeResult,
  LambdaGateway,
  LayerPermissionInput,
  LayerPolicy,
  PublishInput,
} from './types';

/** Lambda returns at most 50 items per list page. */
const PAGE_SIZE = 50;
/** Uploading a 50 MB zip or waiting for a 15-minute invocation outlives the factory's default request limit. */
const UPLOAD_TIMEOUT_MS = 15 * 60_000;
const INVOKE_TIMEOUT_MS = 16 * 60_000;
/** Lambda's own errors for GetLayerVersionByArn: real answers, never a sign of a missing operation. */
const LAMBDA_LOOKUP_ERRORS = new Set([
  'ResourceNotFoundException',
  'InvalidParameterValueException',
  'AccessDeniedException',
  'TooManyRequestsException',
  'ServiceException',
]);

/**
 * `LambdaGateway` over the AWS SDK. Errors are the SDK's own (classify them with `classifyAwsError`,
 * present them with `toUserError`); retries are the SDK's (configured in `AwsClientFactory`).
 */
export class SdkLambdaGateway implements LambdaGateway {
  constructor(
    private readonly client: LambdaClient,
    readonly region: string,
    private readonly endpoint?: string,
  ) {}

  async *listLayers(options: { signal?: AbortSignal } = {}): AsyncIterable<LayersListItem> {
    const pages = paginateListLayers({ client: this.client, pageSize: PAGE_SIZE }, {}, { abortSignal: options.signal });
    for await (const page of pages) yield* page.Layers ?? [];
  }

  async *listLayerVersions(
    layerName: string,
    options: { signal?: AbortSignal } = {},
  ): AsyncIterable<LayerVersionsListItem> {
    const pages = paginateListLayerVersions(
      { client: this.client, pageSize: PAGE_SIZE },
      { LayerName: layerName },
      { abortSignal: options.signal },
    );
    for await (const page of pages) yield* page.LayerVersions ?? [];
  }

  async *listFunctionPages(
    options: { signal?: AbortSignal; pageSize?: number; allVersions?: boolean } = {},
  ): AsyncIterable<FunctionConfiguration[]> {
    const pages = paginateListFunctions(
      { client: this.client, pageSize: options.pageSize ?? PAGE_SIZE },
      options.allVersions ? { FunctionVersion: 'ALL' } : {},
      { abortSignal: options.signal },
    );
    for await (const page of pages) yield page.Functions ?? [];
  }

  async *listFunctions(options: { signal?: AbortSignal } = {}): AsyncIterable<FunctionConfiguration> {
    for await (const page of this.listFunctionPages(options)) yield* page;
  }

  async *listFunctionVersions(options: { signal?: AbortSignal } = {}): AsyncIterable<FunctionConfiguration> {
    const pages = paginateListFunctions(
      { client: this.client, pageSize: PAGE_SIZE },
      { FunctionVersion: 'ALL' },
      { abortSignal: options.signal },
    );
    // Some endpoints (moto) answer ALL with unqualified ARNs for $LATEST, or ignore ALL: those functions are
    // asked one by one, and an entry seen both ways is given once.
    const seen = new Set<string>();
    const fresh = (fn: FunctionConfiguration) => {
      const key = `${fn.FunctionName}:${fn.Version ?? '$LATEST'}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    };
    for await (const page of pages) {
      for (const fn of page.Functions ?? []) {
        if (!fn.FunctionName || !fn.FunctionArn?.endsWith(`:${fn.FunctionName}`)) {
          if (fresh(fn)) yield fn;
          continue;
        }
        for await (const v of this.listVersionsByFunction(fn.FunctionName, options)) if (fresh(v)) yield v;
      }
    }
  }

  async *listVersionsByFunction(
    name: string,
    options: { signal?: AbortSignal } = {},
  ): AsyncIterable<FunctionConfiguration> {
    const pages = paginateListVersionsByFunction(
      { client: this.client, pageSize: PAGE_SIZE },
      { FunctionName: name },
      { abortSignal: options.signal },
    );
    for await (const page of pages) yield* page.Versions ?? [];
  }

  async *listAliases(name: string, options: { signal?: AbortSignal } = {}): AsyncIterable<AliasConfiguration> {
    const pages = paginateListAliases(
      { client: this.client, pageSize: PAGE_SIZE },
      { FunctionName: name },
      { abortSignal: options.signal },
    );
    for await (const page of pages) yield* page.Aliases ?? [];
  }

  getLayerVersion(layerName: string, version: number): Promise<GetLayerVersionResponse> {
    return this.client.send(new GetLayerVersionCommand({ LayerName: layerName, VersionNumber: version }));
  }

  async getLayerVersionByArn(arn: string): Promise<GetLayerVersionResponse> {
    try {
      const found = await this.client.send(new GetLayerVersionByArnCommand({ Arn: arn }));
      if (found.LayerVersionArn) return found;
    } catch (e) {
      if (LAMBDA_LOOKUP_ERRORS.has((e as Error).name) || classifyAwsError(e) !== 'notFound') throw e;
    }
    // An empty answer or a non-Lambda 404 means the endpoint lacks the operation (moto answers 200
    // with an HTML page). GetLayerVersion accepts the layer's ARN as LayerName, so ask that way.
    const ref = parseLayerArn(arn);
    if (ref?.version === undefined) throw new UnsupportedOperationError('GetLayerVersionByArn', this.endpoint);
    return this.getLayerVersion(ref.layerArn, ref.version);
  }

  async publishLayerVersion(
    input: PublishInput,
    options: { signal?: AbortSignal } = {},
  ): Promise<GetLayerVersionResponse> {
    if (Boolean(input.zipFile) === Boolean(input.s3))
      throw new Error('publishLayerVersion needs exactly one of zipFile or s3');
    const content = input.zipFile
      ? { ZipFile: input.zipFile }
      : { S3Bucket: input.s3!.bucket, S3Key: input.s3!.key, S3ObjectVersion: input.s3!.objectVersion };
    const command = new PublishLayerVersionCommand({
      LayerName: input.layerName,
      Description: input.description,
      LicenseInfo: input.licenseInfo,
      CompatibleRuntimes: input.compatibleRuntimes as Runtime[] | undefined,
      CompatibleArchitectures: input.compatibleArchitectures as Architecture[] | undefined,
      Content: content,
    });
    return this.client.send(command, { abortSignal: options.signal, requestTimeout: UPLOAD_TIMEOUT_MS });
  }

  async deleteLayerVersion(layerName: string, version: number): Promise<void> {
    await this.client.send(new DeleteLayerVersionCommand({ LayerName: layerName, VersionNumber: version }));
  }

  async getLayerVersionPolicy(layerName: string, version: number): Promise<LayerPolicy> {
    const out = await this.client.send(
      new GetLayerVersionPolicyCommand({ LayerName: layerName, VersionNumber: version }),
    );
    return { policy: out.Policy ?? '', ...(out.RevisionId && { revisionId: out.RevisionId }) };
  }

  async addLayerVersionPermission(input: LayerPermissionInput): Promise<{ statement?: string; revisionId?: string }> {
    const out = await this.client.send(
      new AddLayerVersionPermissionCommand({
        LayerName: input.layerName,
        VersionNumber: input.version,
        StatementId: input.statementId,
        Action: 'lambda:GetLayerVersion',
        Principal: input.principal,
        OrganizationId: input.organizationId,
        RevisionId: input.revisionId,
      }),
    );
    return { statement: out.Statement, revisionId: out.RevisionId };
  }

  async removeLayerVersionPermission(
    layerName: string,
    version: number,
    statementId: string,
    revisionId?: string,
  ): Promise<void> {
    await this.client.send(
      new RemoveLayerVersionPermissionCommand({
        LayerName: layerName,
        VersionNumber: version,
        StatementId: statementId,
        RevisionId: revisionId,
      }),
    );
  }

  getFunctionConfiguration(name: string): Promise<FunctionConfiguration> {
    return this.client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  }

  getFunction(name: string): Promise<GetFunctionResponse> {
    return this.client.send(new GetFunctionCommand({ FunctionName: name }));
  }

  updateFunctionLayers(name: string, layerArns: string[], revisionId?: string): Promise<FunctionConfiguration> {
    return this.client.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: name, Layers: layerArns, RevisionId: revisionId }),
    );
  }

  async waitForFunctionUpdated(
    name: string,
    options: { signal?: AbortSignal; maxWaitSeconds?: number } = {},
  ): Promise<FunctionConfiguration> {
    const waiter = {
      client: this.client,
      maxWaitTime: options.maxWaitSeconds ?? 300,
      minDelay: 1,
      maxDelay: 5,
      abortSignal: options.signal,
    };
    try {
      const updated = await waitUntilFunctionUpdatedV2(waiter, { FunctionName: name });
      const config = (updated.reason as { Configuration?: FunctionConfiguration } | undefined)?.Configuration;
      if (config && config.State !== 'Pending') return config;
      // Just created: the update is done but the function only becomes usable once Active.
      const active = await waitUntilFunctionActiveV2(waiter, { FunctionName: name });
      return (active.reason as { Configuration: FunctionConfiguration }).Configuration;
    } catch (e) {
      const waiterName = (e as Error).name;
      if (waiterName === 'AbortError') throw new CancelledError();
      // The waiter retries on every error until it times out and reports failure as JSON text;
      // one direct read tells the real story (the function's status, or the error that kept it waiting).
      const config = await this.getFunctionConfiguration(name);
      if (config.LastUpdateStatus === 'Failed' || config.State === 'Failed') {
        const reason = config.LastUpdateStatusReason ?? config.StateReason ?? '';
        throw new UserError(
          l10n.t('The update of function "{0}" failed: {1}', name, reason),
          config.LastUpdateStatusReasonCode ?? config.StateReasonCode,
        );
      }
      if (waiterName === 'TimeoutError') {
        throw new UserError(
          l10n.t(
            'Function "{0}" is still updating after {1} seconds. Check it in the Lambda console and refresh later.',
            name,
            waiter.maxWaitTime,
          ),
        );
      }
      throw e;
    }
  }

  async createFunction(input: CreateFunctionInput): Promise<FunctionConfiguration> {
    const command = new CreateFunctionCommand({
      FunctionName: input.name,
      Runtime: input.runtime as Runtime,
      Handler: input.handler,
      Role: input.role,
      Code: { ZipFile: input.zip },
      Architectures: input.architecture ? [input.architecture as Architecture] : undefined,
      Layers: input.layers,
      Timeout: input.timeout,
      MemorySize: input.memorySize,
      Environment: input.environment ? { Variables: input.environment } : undefined,
      Description: input.description,
    });
    return this.client.send(command, { requestTimeout: UPLOAD_TIMEOUT_MS });
  }

  updateFunctionCode(name: string, zip: Uint8Array, revisionId?: string): Promise<FunctionConfiguration> {
    return this.client.send(
      new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip, RevisionId: revisionId }),
      {
        requestTimeout: UPLOAD_TIMEOUT_MS,
      },
    );
  }

  async deleteFunction(name: string): Promise<void> {
    await this.client.send(new DeleteFunctionCommand({ FunctionName: name }));
  }

  async invoke(name: string, payload: Uint8Array, options: InvokeOptions = {}): Promise<InvokeResult> {
    const out = await this.client.send(
      new InvokeCommand({
        FunctionName: name,
        Payload: payload,
        InvocationType: options.invocationType,
        LogType: options.tail ? 'Tail' : undefined,
      }),
      { abortSignal: options.signal, requestTimeout: INVOKE_TIMEOUT_MS },
    );
    const result: InvokeResult = { statusCode: out.StatusCode ?? 200, payload: out.Payload ?? new Uint8Array() };
    if (out.FunctionError) result.functionError = out.FunctionError;
    if (out.LogResult) result.logTail = Buffer.from(out.LogResult, 'base64').toString('utf8');
    if (out.ExecutedVersion) result.executedVersion = out.ExecutedVersion;
    return result;
  }
}
