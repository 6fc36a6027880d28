import type { FunctionConfiguration, GetLayerVersionResponse, LayerVersionsListItem, LayersListItem } from '@aws-sdk/client-lambda';
import type { LambdaGateway } from '../../../src/aws/types';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const layerArn = (name: string, account = ACCOUNT) => `arn:aws:lambda:${REGION}:${account}:layer:${name}`;
export const versionArn = (name: string, v: number, account = ACCOUNT) => `${layerArn(name, account)}:${v}`;

export function fn(name: string, layers: string[] = [], extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration {
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

function notFound(what: string): Error {
  return Object.assign(new Error(`${what} not found`), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
}

/**
 * In-memory LambdaGateway for model tests: counts calls, pages functions, and lets a test hold
 * a page (`gate`) or fail an operation to observe progressive loading and errors.
 */
export class FakeGateway implements Partial<LambdaGateway> {
  readonly region = REGION;
  functions = new Map<string, FunctionConfiguration>();
  /** Layer name → versions (any order). */
  layers = new Map<string, LayerVersionsListItem[]>();
  pageSize = 50;
  calls: Record<string, number> = {};
  inFlightVersions = 0;
  maxInFlightVersions = 0;
  /** Awaited before the function page with this index (0-based) is returned. */
  gates = new Map<number, Promise<void>>();
  failFunctionsAtPage?: number;
  failVersionsOf = new Set<string>();
  versionDelayMs = 0;

  addLayer(name: string, versions: number[], extra: Partial<LayerVersionsListItem> = {}): void {
    this.layers.set(
      name,
      versions.map((v) => ({ LayerVersionArn: versionArn(name, v), Version: v, CreatedDate: `2024-01-0${v}T00:00:00.000+0000`, ...extra })),
    );
  }

  addFunction(c: FunctionConfiguration): void {
    this.functions.set(c.FunctionName!, c);
  }

  private count(op: string): void {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
  }

  async *listFunctionPages(options: { signal?: AbortSignal } = {}): AsyncIterable<FunctionConfiguration[]> {
    const all = [...this.functions.values()];
    for (let i = 0, page = 0; i < all.length || page === 0; i += this.pageSize, page++) {
      this.count('listFunctionPages');
      await this.gates.get(page);
      options.signal?.throwIfAborted();
      if (this.failFunctionsAtPage === page) throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
      yield all.slice(i, i + this.pageSize);
    }
  }

  async *listLayers(): AsyncIterable<LayersListItem> {
    this.count('listLayers');
    for (const [name, versions] of this.layers) {
      const latest = [...versions].sort((a, b) => b.Version! - a.Version!)[0];
      yield { LayerName: name, LayerArn: layerArn(name), LatestMatchingVersion: latest };
    }
  }

  async *listLayerVersions(name: string, options: { signal?: AbortSignal } = {}): AsyncIterable<LayerVersionsListItem> {
    this.count('listLayerVersions');
    this.inFlightVersions++;
    this.maxInFlightVersions = Math.max(this.maxInFlightVersions, this.inFlightVersions);
    try {
      await new Promise((r) => setTimeout(r, this.versionDelayMs));
      options.signal?.throwIfAborted();
      if (this.failVersionsOf.has(name)) throw Object.assign(new Error('nope'), { name: 'AccessDeniedException' });
      yield* [...(this.layers.get(name) ?? [])].sort((a, b) => b.Version! - a.Version!);
    } finally {
      this.inFlightVersions--;
    }
  }

  async getFunctionConfiguration(name: string): Promise<FunctionConfiguration> {
    this.count('getFunctionConfiguration');
    const f = this.functions.get(name);
    if (!f) throw notFound(`function ${name}`);
    return f;
  }

  async getFunction(name: string) {
    return { Configuration: await this.getFunctionConfiguration(name) };
  }

  async getLayerVersion(name: string, version: number): Promise<GetLayerVersionResponse> {
    this.count('getLayerVersion');
    const v = this.layers.get(name)?.find((x) => x.Version === version);
    if (!v) throw notFound(`layer ${name}:${version}`);
    return { ...v, LayerArn: layerArn(name), Content: { CodeSize: 4242, CodeSha256: 'c2hh' } };
  }

  asGateway(): LambdaGateway {
    return this as unknown as LambdaGateway;
  }
}
