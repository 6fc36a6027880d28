import type { Architecture, FunctionConfiguration, GetLayerVersionResponse, Runtime, LayerVersionsListItem, LayersListItem } from '@aws-sdk/client-lambda';
import { createHash, randomUUID } from 'node:crypto';
import type { LambdaGateway, LayerPermissionInput, LayerPolicy, PublishInput } from '../../../src/aws/types';
import { parseLayerArn } from '../../../src/aws/arn';
import { CancelledError, UserError } from '../../../src/util/errors';

/** An error shaped like the SDK's service exceptions (name + $metadata.httpStatusCode). */
export function sdkError(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

interface FakeFunction {
  config: FunctionConfiguration;
  /** Set when the pending update should end Failed with this reason. */
  failWith?: string;
}

const ACCOUNT = '123456789012';

/**
 * In-memory Lambda that behaves like the real one where the engines care: RevisionId changes on every
 * transition, a stale RevisionId gets 412, an update while InProgress gets 409, layer lists are validated.
 * Updates stay InProgress until a waiter (or `settle`) completes them, which makes races deterministic.
 */
export class FakeGateway implements LambdaGateway {
  constructor(readonly region = 'us-east-1') {}

  readonly functions = new Map<string, FakeFunction>();
  readonly layerVersions = new Map<string, GetLayerVersionResponse[]>();
  readonly calls: string[] = [];
  /** Runs at the start of each updateFunctionLayers, before any check: a test's concurrent writer. */
  beforeUpdate?: (name: string, call: number) => void;
  /** When false, waiters never see the update finish (a stuck update). */
  settles = true;
  private updateCalls = 0;
  /** Published function versions (`$LATEST` is the function itself), as ListFunctions?FunctionVersion=ALL lists them. */
  readonly publishedVersions: FunctionConfiguration[] = [];
  /** `name:version` → policy statements as Lambda stores them, and its revision. */
  readonly policies = new Map<string, { statements: Record<string, unknown>[]; revisionId: string }>();
  /** Runs at the start of each listFunctionVersions (a test's concurrent writer between preview and delete). */
  beforeListVersions?: (call: number) => void;
  /** Runs before each policy write, before any check (a concurrent policy change). */
  beforePolicyWrite?: (call: number) => void;
  /** AddLayerVersionPermission answers PolicyLengthExceeded past this many statements. */
  maxStatements = 20;
  private listVersionCalls = 0;
  private policyWrites = 0;

  layerArn(name: string): string {
    return `arn:aws:lambda:${this.region}:${ACCOUNT}:layer:${name}`;
  }

  addFunction(name: string, init: { runtime?: string; architectures?: string[]; layers?: string[]; codeSize?: number } = {}): void {
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
    this.functions.set(name, { config });
    if (init.layers) this.setLayers(config, init.layers);
  }

  /** A change made by someone else, directly; `inProgress` leaves the function mid-update. */
  externalUpdate(name: string, layers: string[], inProgress = false): void {
    const f = this.fn(name);
    this.setLayers(f.config, layers);
    f.config.LastUpdateStatus = inProgress ? 'InProgress' : 'Successful';
    f.config.RevisionId = randomUUID();
  }

  failNextUpdate(name: string, reason: string): void {
    this.fn(name).failWith = reason;
  }

  settle(name: string): void {
    const f = this.fn(name);
    if (f.config.LastUpdateStatus !== 'InProgress') return;
    f.config.LastUpdateStatus = f.failWith ? 'Failed' : 'Successful';
    f.config.LastUpdateStatusReason = f.failWith;
    f.failWith = undefined;
    f.config.RevisionId = randomUUID();
  }

  layersOf(name: string): string[] {
    return (this.fn(name).config.Layers ?? []).map((l) => l.Arn!);
  }

  async getFunctionConfiguration(name: string): Promise<FunctionConfiguration> {
    this.calls.push(`get ${name}`);
    return structuredClone(this.fn(name).config);
  }

  async getFunction(name: string) {
    return { Configuration: await this.getFunctionConfiguration(name) };
  }

  async updateFunctionLayers(name: string, layerArns: string[], revisionId?: string): Promise<FunctionConfiguration> {
    this.calls.push(`update ${name}`);
    this.beforeUpdate?.(name, ++this.updateCalls);
    const f = this.fn(name);
    if (f.config.LastUpdateStatus === 'InProgress') {
      throw sdkError('ResourceConflictException', 409, `The operation cannot be performed at this time. An update is in progress for resource: ${f.config.FunctionArn}`);
    }
    if (revisionId && revisionId !== f.config.RevisionId) {
      throw sdkError('PreconditionFailedException', 412, 'The Revision Id provided does not match the latest Revision Id.');
    }
    if (layerArns.length > 5) throw sdkError('InvalidParameterValueException', 400, 'Cannot reference more than 5 layers.');
    const seen = new Set(layerArns.map((a) => parseLayerArn(a)?.layerArn));
    if (seen.size !== layerArns.length) throw sdkError('InvalidParameterValueException', 400, 'Two different versions of the same layer are not allowed');
    this.setLayers(f.config, layerArns);
    f.config.LastUpdateStatus = 'InProgress';
    f.config.RevisionId = randomUUID();
    return structuredClone(f.config);
  }

  async waitForFunctionUpdated(name: string, options: { signal?: AbortSignal; maxWaitSeconds?: number } = {}): Promise<FunctionConfiguration> {
    this.calls.push(`wait ${name}`);
    // Like SdkLambdaGateway: an aborted waiter ends in a cancellation.
    if (options.signal?.aborted) throw new CancelledError();
    const f = this.fn(name);
    if (this.settles) this.settle(name);
    else if (f.config.LastUpdateStatus === 'InProgress') {
      await new Promise((r) => setTimeout(r, Math.min(20, (options.maxWaitSeconds ?? 1) * 1000)));
      throw new Error('Waiter timed out');
    }
    // Like SdkLambdaGateway: a Failed update becomes a UserError carrying the reason.
    if (f.config.LastUpdateStatus === 'Failed') throw new UserError(`The update of function "${name}" failed: ${f.config.LastUpdateStatusReason}`);
    return structuredClone(f.config);
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
      Content: { CodeSha256: createHash('sha256').update(bytes).digest('base64'), CodeSize: bytes.length },
      CreatedDate: new Date().toISOString().replace('Z', '+0000'),
    };
    versions.push(v);
    this.layerVersions.set(input.layerName, versions);
    return structuredClone(v);
  }

  async *listLayerVersions(layerName: string): AsyncIterable<LayerVersionsListItem> {
    this.calls.push(`listVersions ${layerName}`);
    for (const v of [...(this.layerVersions.get(layerName) ?? [])].reverse()) {
      yield { LayerVersionArn: v.LayerVersionArn, Version: v.Version, Description: v.Description, CompatibleRuntimes: v.CompatibleRuntimes, CreatedDate: v.CreatedDate };
    }
  }

  async getLayerVersion(layerName: string, version: number): Promise<GetLayerVersionResponse> {
    this.calls.push(`getVersion ${layerName}:${version}`);
    const v = this.layerVersions.get(layerName)?.find((x) => x.Version === version);
    if (!v) throw sdkError('ResourceNotFoundException', 404, 'The resource you requested does not exist.');
    return structuredClone(v);
  }

  async getLayerVersionByArn(arn: string): Promise<GetLayerVersionResponse> {
    const ref = parseLayerArn(arn);
    return this.getLayerVersion(ref?.name ?? '', ref?.version ?? 0);
  }

  async deleteLayerVersion(layerName: string, version: number): Promise<void> {
    this.calls.push(`delete ${layerName}:${version}`);
    const versions = this.layerVersions.get(layerName) ?? [];
    this.layerVersions.set(layerName, versions.filter((v) => v.Version !== version));
  }

  async *listFunctions(): AsyncIterable<FunctionConfiguration> {
    this.calls.push('listFunctions');
    for (const f of this.functions.values()) yield structuredClone(f.config);
  }

  /** A published version of `name` pinning these layers (what PublishVersion would leave behind). */
  addPublishedVersion(name: string, version: number, layers: string[]): void {
    const config: FunctionConfiguration = { ...structuredClone(this.fn(name).config), Version: String(version) };
    config.FunctionArn = `${config.FunctionArn}:${version}`;
    this.setLayers(config, layers);
    this.publishedVersions.push(config);
  }

  async *listFunctionVersions(): AsyncIterable<FunctionConfiguration> {
    this.calls.push('listFunctionVersions');
    this.beforeListVersions?.(++this.listVersionCalls);
    for (const f of this.functions.values()) yield { ...structuredClone(f.config), Version: '$LATEST', FunctionArn: `${f.config.FunctionArn}:$LATEST` };
    for (const v of this.publishedVersions) yield structuredClone(v);
  }

  async getLayerVersionPolicy(layerName: string, version: number): Promise<LayerPolicy> {
    this.calls.push(`getPolicy ${layerName}:${version}`);
    await this.getLayerVersion(layerName, version);
    const p = this.policies.get(`${layerName}:${version}`);
    if (!p || p.statements.length === 0) throw sdkError('ResourceNotFoundException', 404, 'No policy is associated with the given resource.');
    return { policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: p.statements }), revisionId: p.revisionId };
  }

  async addLayerVersionPermission(input: LayerPermissionInput): Promise<{ statement?: string; revisionId?: string }> {
    this.calls.push(`addPermission ${input.layerName}:${input.version} ${input.statementId}`);
    this.beforePolicyWrite?.(++this.policyWrites);
    const v = await this.getLayerVersion(input.layerName, input.version);
    const key = `${input.layerName}:${input.version}`;
    const p = this.policies.get(key) ?? { statements: [], revisionId: randomUUID() };
    if (input.revisionId && input.revisionId !== p.revisionId) throw sdkError('PreconditionFailedException', 412, 'The Revision Id provided does not match the latest Revision Id.');
    if (p.statements.some((s) => s.Sid === input.statementId)) throw sdkError('ResourceConflictException', 409, `The statement id (${input.statementId}) provided already exists.`);
    if (p.statements.length >= this.maxStatements) throw sdkError('PolicyLengthExceededException', 400, 'The final policy size is bigger than the limit.');
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

  async removeLayerVersionPermission(layerName: string, version: number, statementId: string, revisionId?: string): Promise<void> {
    this.calls.push(`removePermission ${layerName}:${version} ${statementId}`);
    this.beforePolicyWrite?.(++this.policyWrites);
    const p = this.policies.get(`${layerName}:${version}`);
    if (revisionId && p && revisionId !== p.revisionId) throw sdkError('PreconditionFailedException', 412, 'The Revision Id provided does not match the latest Revision Id.');
    if (!p?.statements.some((s) => s.Sid === statementId)) throw sdkError('ResourceNotFoundException', 404, `Statement ${statementId} is not found in resource policy.`);
    p.statements = p.statements.filter((s) => s.Sid !== statementId);
    p.revisionId = randomUUID();
  }

  async *listFunctionPages(): AsyncIterable<FunctionConfiguration[]> {
    const all: FunctionConfiguration[] = [];
    for await (const f of this.listFunctions()) all.push(f);
    yield all;
  }

  async *listLayers(): AsyncIterable<LayersListItem> {
    this.calls.push('listLayers');
    for (const [name, versions] of this.layerVersions) if (versions.length) yield { LayerName: name, LayerArn: this.layerArn(name) };
  }
  createFunction(): Promise<FunctionConfiguration> {
    throw new Error('not used by the engines');
  }
  updateFunctionCode(): Promise<FunctionConfiguration> {
    throw new Error('not used by the engines');
  }
  deleteFunction(): Promise<void> {
    throw new Error('not used by the engines');
  }
  invoke(): never {
    throw new Error('not used by the engines');
  }

  private fn(name: string): FakeFunction {
    const f = this.functions.get(name);
    if (!f) throw sdkError('ResourceNotFoundException', 404, `Function not found: ${name}`);
    return f;
  }

  private setLayers(config: FunctionConfiguration, arns: string[]): void {
    if (arns.length === 0) delete config.Layers;
    else config.Layers = arns.map((Arn) => ({ Arn, CodeSize: 100 }));
  }
}
