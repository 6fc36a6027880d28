import type {
  AliasConfiguration,
  Architecture,
  FunctionConfiguration,
  GetLayerVersionResponse,
  LayerVersionsListItem,
  LayersListItem,
  Runtime,
} from '@aws-sdk/client-lambda';
import { createHash, randomUUID } from 'node:crypto';
import type {
  CreateFunctionInput,
  InvokeOptions,
  InvokeResult,
  LambdaGateway,
  LayerPermissionInput,
  LayerPolicy,
  PublishInput,
} from '../../src/aws/types';
import { parseLayerArn } from '../../src/aws/arn';
import { CancelledError, UserError } from '../../src/util/errors';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const layerArn = (name: string, account = ACCOUNT, region = REGION) =>
  `arn:aws:lambda:${region}:${account}:layer:${name}`;
export const versionArn = (name: string, v: number, account = ACCOUNT) => `${layerArn(name, account)}:${v}`;

/** An error shaped like the SDK's service exceptions (name + $metadata.httpStatusCode). */
export function sdkError(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

const notFound = (message: string) => sdkError('ResourceNotFoundException', 404, message);
const staleRevision = () =>
  sdkError('PreconditionFailedException', 412, 'The Revision Id provided does not match the latest Revision Id.');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');

/** A function configuration as ListFunctions returns it, for tests that put functions in directly. */
export function fn(
  name: string,
  layers: string[] = [],
  extra: Partial<FunctionConfiguration> = {},
): FunctionConfiguration {
  return {
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    Runtime: 'python3.12',
    MemorySize: 128,
    Timeout: 3,
    LastModified: '2024-05-01T10:00:00.000+0000',
    Layers: layers.length ? layers.map((Arn) => ({ Arn, CodeSize: 1000 + Number(Arn.split(':').pop()) })) : undefined,
    ...extra,
  };
}

/**
 * The one in-memory Lambda for unit tests. It implements the whole `LambdaGateway` (no cast), so a method
 * added to the interface is a compile error here until the fake answers it too.
 *
 * It behaves like the real one where the engines care: RevisionId changes on every transition, a stale
 * RevisionId gets 412, an update while InProgress gets 409, layer lists are validated. Updates stay
 * InProgress until a waiter (or `settle`) completes them, which makes races deterministic. `calls` records
 * each call as `<verb> <subject>`; the knobs below hold a page, fail an operation or delay it.
 */
export class FakeGateway implements LambdaGateway {
  constructor(readonly region = REGION) {}

  readonly functions = new Map<string, FunctionConfiguration>();
  /** Layer name → its versions, oldest first. */
  readonly layerVersions = new Map<string, GetLayerVersionResponse[]>();
  readonly calls: string[] = [];

  /** Functions per ListFunctions page. */
  pageSize = 50;
  /** Awaited before the function page with this index (0-based) is returned. */
  readonly gates = new Map<number, Promise<void>>();
  /** ListFunctions fails (AccessDenied) at this page. */
  failFunctionsAtPage?: number;
  /** ListLayerVersions fails (AccessDenied) for these layers. */
  readonly failVersionsOf = new Set<string>();
  /** Each ListLayerVersions takes this long; `maxInFlightVersions` shows how many ran at once. */
  versionDelayMs = 0;
  maxInFlightVersions = 0;
  private inFlightVersions = 0;

  /** Runs at the start of each updateFunctionLayers, before any check: a test's concurrent writer. */
  beforeUpdate?: (name: string, call: number) => void;
  /** When false, waiters never see the update finish (a stuck update). */
  settles = true;
  /** Published function versions (`$LATEST` is the function itself), as ListFunctions?FunctionVersion=ALL lists them. */
  readonly publishedVersions: FunctionConfiguration[] = [];
  /** Function name → its aliases, as ListAliases lists them. */
  readonly aliases = new Map<string, AliasConfiguration[]>();
  /** `name:version` → policy statements as Lambda stores them, and its revision. */
  readonly policies = new Map<string, { statements: Record<string, unknown>[]; revisionId: string }>();
  /** Runs at the start of each listFunctionVersions (a test's concurrent writer between preview and delete). */
  beforeListVersions?: (call: number) => void;
  /** Runs before each policy write, before any check (a concurrent policy change). */
  beforePolicyWrite?: (call: number) => void;
  /** AddLayerVersionPermission answers PolicyLengthExceeded past this many statements. */
  maxStatements = 20;
  /** What Invoke answers; unset, Invoke fails. */
  invokeHandler?: (name: string, payload: Uint8Array, options?: InvokeOptions) => InvokeResult | Promise<InvokeResult>;

  private readonly failNext = new Map<string, string>();
  private updateCalls = 0;
  private listVersionCalls = 0;
  private policyWrites = 0;

  /** How many calls of each verb (`listFunctionPages`, `listLayers`, `listVersions`, `get`, …) were made. */
  callCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const call of this.calls) {
      const verb = call.split(' ')[0];
      counts[verb] = (counts[verb] ?? 0) + 1;
    }
    return counts;
  }

  layerArn(name: string): string {
    return layerArn(name, ACCOUNT, this.region);
  }

  addFunction(
    name: string,
    init: { runtime?: string; architectures?: string[]; layers?: string[]; codeSize?: number } = {},
  ): void {
    const config: FunctionConfiguration = {
      FunctionName: name,
      FunctionArn: `arn:aws:lambda:${this.region}:${ACCOUNT}:function:${name}`,
      Runtime: (init.runtime ?? 'python3.12') as Runtime,
      Architectures: (init.architectures ?? ['x86_64']) as Architecture[],
      CodeSize: init.codeSize ?? 1000,
      State: 'Active',
      LastUpdateStatus: 'Successful',
      RevisionId: randomUUID(),
    };
    this.functions.set(name, config);
    if (init.layers) this.setLayers(config, init.layers);
  }

  /** Puts a function in as given (see `fn`). */
  putFunction(config: FunctionConfiguration): void {
    this.functions.set(config.FunctionName!, config);
  }

  /** Versions of a layer as ListLayerVersions lists them (`extra` on each), replacing any it had. */
  addLayer(name: string, versions: number[], extra: Partial<LayerVersionsListItem> = {}): void {
    const list = [...versions]
      .sort((a, b) => a - b)
      .map((v) => ({
        LayerArn: this.layerArn(name),
        LayerVersionArn: `${this.layerArn(name)}:${v}`,
        Version: v,
        CreatedDate: `2024-01-0${v}T00:00:00.000+0000`,
        Content: { CodeSize: 4242, CodeSha256: 'c2hh' },
        ...extra,
      }));
    this.layerVersions.set(name, list);
  }

  /** One layer version as GetLayerVersion returns it (named by its LayerVersionArn). */
  addLayerVersion(version: GetLayerVersionResponse): void {
    const ref = parseLayerArn(version.LayerVersionArn ?? '');
    if (!ref?.version) throw new Error(`not a layer version ARN: ${version.LayerVersionArn}`);
    const versions = (this.layerVersions.get(ref.name) ?? []).filter((v) => v.Version !== ref.version);
    versions.push({ Version: ref.version, ...version });
    this.layerVersions.set(
      ref.name,
      versions.sort((a, b) => a.Version! - b.Version!),
    );
  }

  /** A change made by someone else, directly; `inProgress` leaves the function mid-update. */
  externalUpdate(name: string, layers: string[], inProgress = false): void {
    const config = this.fn(name);
    this.setLayers(config, layers);
    config.LastUpdateStatus = inProgress ? 'InProgress' : 'Successful';
    config.RevisionId = randomUUID();
  }

  failNextUpdate(name: string, reason: string): void {
    this.fn(name);
    this.failNext.set(name, reason);
  }

  settle(name: string): void {
    const config = this.fn(name);
    if (config.LastUpdateStatus !== 'InProgress') return;
    const failure = this.failNext.get(name);
    this.failNext.delete(name);
    config.LastUpdateStatus = failure ? 'Failed' : 'Successful';
    config.LastUpdateStatusReason = failure;
    config.RevisionId = randomUUID();
  }

  layersOf(name: string): string[] {
    return (this.fn(name).Layers ?? []).map((l) => l.Arn!);
  }

  /** A published version of `name` pinning these layers (what PublishVersion would leave behind). */
  addPublishedVersion(name: string, version: number, layers: string[]): void {
    const config: FunctionConfiguration = { ...structuredClone(this.fn(name)), Version: String(version) };
    config.FunctionArn = `${config.FunctionArn}:${version}`;
    this.setLayers(config, layers);
    this.publishedVersions.push(config);
  }

  // --- LambdaGateway: listings

  async *listLayers(): AsyncIterable<LayersListItem> {
    this.calls.push('listLayers');
    for (const [name, versions] of this.layerVersions) {
      const latest = versions[versions.length - 1];
      if (latest) yield { LayerName: name, LayerArn: this.layerArn(name), LatestMatchingVersion: listItem(latest) };
    }
  }

  async *listLayerVersions(
    layerName: string,
    options: { signal?: AbortSignal } = {},
  ): AsyncIterable<LayerVersionsListItem> {
    this.calls.push(`listVersions ${layerName}`);
    this.inFlightVersions++;
    this.maxInFlightVersions = Math.max(this.maxInFlightVersions, this.inFlightVersions);
    try {
      await new Promise((r) => setTimeout(r, this.versionDelayMs));
      options.signal?.throwIfAborted();
      if (this.failVersionsOf.has(layerName)) throw sdkError('AccessDeniedException', 403, 'nope');
      yield* [...(this.layerVersions.get(layerName) ?? [])].reverse().map(listItem);
    } finally {
      this.inFlightVersions--;
    }
  }

  /** With `allVersions` (FunctionVersion=ALL): each function's `$LATEST`, then its published versions. */
  async *listFunctionPages(
    options: { signal?: AbortSignal; allVersions?: boolean } = {},
  ): AsyncIterable<FunctionConfiguration[]> {
    const all = [...this.functions.values()].flatMap((f) => (options.allVersions ? this.versionsOf(f) : [f]));
    for (let i = 0, page = 0; i < all.length || page === 0; i += this.pageSize, page++) {
      this.calls.push('listFunctionPages');
      await this.gates.get(page);
      options.signal?.throwIfAborted();
      if (this.failFunctionsAtPage === page) throw sdkError('AccessDeniedException', 403, 'denied');
      yield all.slice(i, i + this.pageSize).map((f) => structuredClone(f));
    }
  }

  async *listFunctions(): AsyncIterable<FunctionConfiguration> {
    this.calls.push('listFunctions');
    for (const f of this.functions.values()) yield structuredClone(f);
  }

  async *listFunctionVersions(): AsyncIterable<FunctionConfiguration> {
    this.calls.push('listFunctionVersions');
    this.beforeListVersions?.(++this.listVersionCalls);
    for (const f of this.functions.values())
      yield { ...structuredClone(f), Version: '$LATEST', FunctionArn: `${f.FunctionArn}:$LATEST` };
    for (const v of this.publishedVersions) yield structuredClone(v);
  }

  async *listVersionsByFunction(name: string): AsyncIterable<FunctionConfiguration> {
    this.calls.push(`listVersionsByFunction ${name}`);
    yield* this.versionsOf(this.fn(name));
  }

  async *listAliases(name: string): AsyncIterable<AliasConfiguration> {
    this.calls.push(`listAliases ${name}`);
    this.fn(name);
    yield* structuredClone(this.aliases.get(name) ?? []);
  }

  // --- LambdaGateway: layers

  async getLayerVersion(layerName: string, version: number): Promise<GetLayerVersionResponse> {
    this.calls.push(`getVersion ${layerName}:${version}`);
    const v = this.layerVersions.get(layerName)?.find((x) => x.Version === version);
    if (!v) throw notFound('The resource you requested does not exist.');
    return structuredClone(v);
  }

  async getLayerVersionByArn(arn: string): Promise<GetLayerVersionResponse> {
    const ref = parseLayerArn(arn);
    return this.getLayerVersion(ref?.name ?? '', ref?.version ?? 0);
  }

  async publishLayerVersion(input: PublishInput): Promise<GetLayerVersionResponse> {
    this.calls.push(`publish ${input.layerName}`);
    const bytes = input.zipFile ?? new TextEncoder().encode(`s3://${input.s3?.bucket}/${input.s3?.key}`);
    const versions = this.layerVersions.get(input.layerName) ?? [];
    const version = (versions[versions.length - 1]?.Version ?? 0) + 1;
    const v: GetLayerVersionResponse = {
      LayerArn: this.layerArn(input.layerName),
      LayerVersionArn: `${this.layerArn(input.layerName)}:${version}`,
      Version: version,
      Description: input.description ?? '',
      LicenseInfo: input.licenseInfo,
      CompatibleRuntimes: input.compatibleRuntimes as GetLayerVersionResponse['CompatibleRuntimes'],
      CompatibleArchitectures: input.compatibleArchitectures as GetLayerVersionResponse['CompatibleArchitectures'],
      Content: { CodeSha256: sha256(bytes), CodeSize: bytes.length },
      CreatedDate: new Date().toISOString().replace('Z', '+0000'),
    };
    versions.push(v);
    this.layerVersions.set(input.layerName, versions);
    return structuredClone(v);
  }

  async deleteLayerVersion(layerName: string, version: number): Promise<void> {
    this.calls.push(`delete ${layerName}:${version}`);
    const versions = this.layerVersions.get(layerName) ?? [];
    this.layerVersions.set(
      layerName,
      versions.filter((v) => v.Version !== version),
    );
  }

  async getLayerVersionPolicy(layerName: string, version: number): Promise<LayerPolicy> {
    this.calls.push(`getPolicy ${layerName}:${version}`);
    await this.getLayerVersion(layerName, version);
    const p = this.policies.get(`${layerName}:${version}`);
    if (!p || p.statements.length === 0) throw notFound('No policy is associated with the given resource.');
    return {
      policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: p.statements }),
      revisionId: p.revisionId,
    };
  }

  async addLayerVersionPermission(input: LayerPermissionInput): Promise<{ statement?: string; revisionId?: string }> {
    this.calls.push(`addPermission ${input.layerName}:${input.version} ${input.statementId}`);
    this.beforePolicyWrite?.(++this.policyWrites);
    const v = await this.getLayerVersion(input.layerName, input.version);
    const key = `${input.layerName}:${input.version}`;
    const p = this.policies.get(key) ?? { statements: [], revisionId: randomUUID() };
    if (input.revisionId && input.revisionId !== p.revisionId) throw staleRevision();
    if (p.statements.some((s) => s.Sid === input.statementId))
      throw sdkError(
        'ResourceConflictException',
        409,
        `The statement id (${input.statementId}) provided already exists.`,
      );
    if (p.statements.length >= this.maxStatements)
      throw sdkError('PolicyLengthExceededException', 400, 'The final policy size is bigger than the limit.');
    const statement: Record<string, unknown> = {
      Sid: input.statementId,
      Effect: 'Allow',
      Principal: input.principal === '*' ? '*' : { AWS: `arn:aws:iam::${input.principal}:root` },
      Action: 'lambda:GetLayerVersion',
      Resource: v.LayerVersionArn,
      ...(input.organizationId && { Condition: { StringEquals: { 'aws:PrincipalOrgID': input.organizationId } } }),
    };
    p.statements.push(statement);
    p.revisionId = randomUUID();
    this.policies.set(key, p);
    return { statement: JSON.stringify(statement), revisionId: p.revisionId };
  }

  async removeLayerVersionPermission(
    layerName: string,
    version: number,
    statementId: string,
    revisionId?: string,
  ): Promise<void> {
    this.calls.push(`removePermission ${layerName}:${version} ${statementId}`);
    this.beforePolicyWrite?.(++this.policyWrites);
    const p = this.policies.get(`${layerName}:${version}`);
    if (revisionId && p && revisionId !== p.revisionId) throw staleRevision();
    if (!p?.statements.some((s) => s.Sid === statementId))
      throw notFound(`Statement ${statementId} is not found in resource policy.`);
    p.statements = p.statements.filter((s) => s.Sid !== statementId);
    p.revisionId = randomUUID();
  }

  // --- LambdaGateway: functions

  async getFunctionConfiguration(name: string): Promise<FunctionConfiguration> {
    this.calls.push(`get ${name}`);
    return structuredClone(this.fn(name));
  }

  async getFunction(name: string) {
    return { Configuration: await this.getFunctionConfiguration(name) };
  }

  async updateFunctionLayers(name: string, layerArns: string[], revisionId?: string): Promise<FunctionConfiguration> {
    this.calls.push(`update ${name}`);
    this.beforeUpdate?.(name, ++this.updateCalls);
    const config = this.startUpdate(name, revisionId);
    if (layerArns.length > 5)
      throw sdkError('InvalidParameterValueException', 400, 'Cannot reference more than 5 layers.');
    const seen = new Set(layerArns.map((a) => parseLayerArn(a)?.layerArn));
    if (seen.size !== layerArns.length)
      throw sdkError('InvalidParameterValueException', 400, 'Two different versions of the same layer are not allowed');
    this.setLayers(config, layerArns);
    return this.updated(config);
  }

  async waitForFunctionUpdated(
    name: string,
    options: { signal?: AbortSignal; maxWaitSeconds?: number } = {},
  ): Promise<FunctionConfiguration> {
    this.calls.push(`wait ${name}`);
    // Like SdkLambdaGateway: an aborted waiter ends in a cancellation.
    if (options.signal?.aborted) throw new CancelledError();
    const config = this.fn(name);
    if (this.settles) this.settle(name);
    else if (config.LastUpdateStatus === 'InProgress') {
      await new Promise((r) => setTimeout(r, Math.min(20, (options.maxWaitSeconds ?? 1) * 1000)));
      throw new Error('Waiter timed out');
    }
    // Like SdkLambdaGateway: a Failed update becomes a UserError carrying the reason.
    if (config.LastUpdateStatus === 'Failed')
      throw new UserError(`The update of function "${name}" failed: ${config.LastUpdateStatusReason}`);
    return structuredClone(config);
  }

  async createFunction(input: CreateFunctionInput): Promise<FunctionConfiguration> {
    this.calls.push(`create ${input.name}`);
    if (this.functions.has(input.name))
      throw sdkError('ResourceConflictException', 409, `Function already exist: ${input.name}`);
    const config: FunctionConfiguration = {
      FunctionName: input.name,
      FunctionArn: `arn:aws:lambda:${this.region}:${ACCOUNT}:function:${input.name}`,
      Runtime: input.runtime as Runtime,
      Handler: input.handler,
      Role: input.role,
      Architectures: [(input.architecture ?? 'x86_64') as Architecture],
      CodeSha256: sha256(input.zip),
      CodeSize: input.zip.length,
      State: 'Active',
      LastUpdateStatus: 'Successful',
      RevisionId: randomUUID(),
    };
    this.setLayers(config, input.layers ?? []);
    this.functions.set(input.name, config);
    return structuredClone(config);
  }

  async updateFunctionCode(name: string, zip: Uint8Array, revisionId?: string): Promise<FunctionConfiguration> {
    this.calls.push(`updateCode ${name}`);
    const config = this.startUpdate(name, revisionId);
    config.CodeSha256 = sha256(zip);
    config.CodeSize = zip.length;
    return this.updated(config);
  }

  async deleteFunction(name: string): Promise<void> {
    this.calls.push(`deleteFunction ${name}`);
    if (!this.functions.delete(name)) throw notFound(`Function not found: ${name}`);
  }

  async invoke(name: string, payload: Uint8Array, options?: InvokeOptions): Promise<InvokeResult> {
    this.calls.push(`invoke ${name}`);
    this.fn(name);
    if (!this.invokeHandler) throw new Error('FakeGateway: set invokeHandler to answer Invoke');
    return this.invokeHandler(name, payload, options);
  }

  /** A function's `$LATEST` and its published versions, oldest first, as ListVersionsByFunction lists them. */
  private versionsOf(f: FunctionConfiguration): FunctionConfiguration[] {
    const published = this.publishedVersions.filter((v) => v.FunctionName === f.FunctionName);
    return [{ ...f, Version: '$LATEST', FunctionArn: `${f.FunctionArn}:$LATEST` }, ...published].map((v) =>
      structuredClone(v),
    );
  }

  private fn(name: string): FunctionConfiguration {
    const f = this.functions.get(name);
    if (!f) throw notFound(`Function not found: ${name}`);
    return f;
  }

  /** The checks Lambda makes before any update: not mid-update (409), the RevisionId still current (412). */
  private startUpdate(name: string, revisionId: string | undefined): FunctionConfiguration {
    const config = this.fn(name);
    if (config.LastUpdateStatus === 'InProgress') {
      throw sdkError(
        'ResourceConflictException',
        409,
        `The operation cannot be performed at this time. An update is in progress for resource: ${config.FunctionArn}`,
      );
    }
    if (revisionId && revisionId !== config.RevisionId) throw staleRevision();
    return config;
  }

  private updated(config: FunctionConfiguration): FunctionConfiguration {
    config.LastUpdateStatus = 'InProgress';
    config.RevisionId = randomUUID();
    return structuredClone(config);
  }

  private setLayers(config: FunctionConfiguration, arns: string[]): void {
    if (arns.length === 0) delete config.Layers;
    else config.Layers = arns.map((Arn) => ({ Arn, CodeSize: 100 }));
  }
}

function listItem(v: GetLayerVersionResponse): LayerVersionsListItem {
  const {
    LayerVersionArn,
    Version,
    Description,
    CreatedDate,
    CompatibleRuntimes,
    CompatibleArchitectures,
    LicenseInfo,
  } = v;
  return structuredClone({
    LayerVersionArn,
    Version,
    Description,
    CreatedDate,
    CompatibleRuntimes,
    CompatibleArchitectures,
    LicenseInfo,
  });
}
