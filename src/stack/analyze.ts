import * as l10n from '@vscode/l10n';
import type { LambdaGateway } from '../aws/types';
import { UserError, throwIfAborted } from '../util/errors';
import { stackBudget, type Budget } from './budget';
import { zipContents, type SourceKind } from './packages';
import { findShadowing, type ShadowedModule, type StackSource } from './shadowing';
import type { ZipCache } from './zipCache';
import { readZipIndex } from './zipIndex';

export interface ReadSource extends StackSource {
  codeSha256: string;
  /** The cached zip. */
  zipPath: string;
}

export interface StackReport {
  functionName: string;
  runtime?: string;
  /** The function's code first, then its layers in the order Lambda extracts them. */
  sources: ReadSource[];
  budget: Budget;
  shadowed: ShadowedModule[];
}

export interface StackOptions {
  cache: ZipCache;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/**
 * Reads a function's code and every attached layer version (each zip downloaded once, cached by CodeSha256)
 * and works out the stack's unzipped budget and which modules more than one source provides.
 */
export async function analyzeFunction(
  gateway: LambdaGateway,
  functionName: string,
  options: StackOptions,
): Promise<StackReport> {
  const progress = options.onProgress ?? (() => undefined);
  progress(l10n.t('Reading function {0}…', functionName));
  const fn = await gateway.getFunction(functionName);
  const config = fn.Configuration ?? {};
  if (config.PackageType === 'Image') {
    throw new UserError(
      l10n.t('{0} is a container image function: it has no zip code and no layers to analyse.', functionName),
    );
  }
  if (!config.CodeSha256)
    throw new UserError(l10n.t('Lambda did not report the code of {0} (no CodeSha256).', functionName));
  const code = await readFunctionCode(options.cache, config.CodeSha256, fn.Code?.Location, options.signal);
  const layers: ReadSource[] = [];
  for (const layer of config.Layers ?? []) {
    throwIfAborted(options.signal);
    if (!layer.Arn) continue;
    progress(l10n.t('Reading layer {0}…', layer.Arn));
    layers.push(await readLayerVersion(gateway, layer.Arn, options));
  }
  const sources = [code, ...layers];
  return {
    functionName,
    runtime: config.Runtime,
    sources,
    budget: stackBudget(sources),
    shadowed: findShadowing(config.Runtime, sources),
  };
}

/** One layer version, by ARN (so other accounts' shared and public layers work too). */
export async function readLayerVersion(
  gateway: LambdaGateway,
  arn: string,
  options: StackOptions,
): Promise<ReadSource> {
  const v = await gateway.getLayerVersionByArn(arn);
  if (!v.Content?.CodeSha256)
    throw new UserError(l10n.t('Lambda did not report the content of {0} (no CodeSha256).', arn));
  return readSource(options.cache, 'layer', arn, v.Content.CodeSha256, v.Content.Location, options.signal);
}

/** The function's code zip (by its CodeSha256 and GetFunction's download location). */
export function readFunctionCode(
  cache: ZipCache,
  codeSha256: string,
  location: string | undefined,
  signal?: AbortSignal,
): Promise<ReadSource> {
  return readSource(cache, 'function', 'function', codeSha256, location, signal);
}

async function readSource(
  cache: ZipCache,
  kind: SourceKind,
  source: string,
  codeSha256: string,
  location: string | undefined,
  signal?: AbortSignal,
): Promise<ReadSource> {
  const zipPath = await cache.zip(codeSha256, location, signal);
  const contents = zipContents(kind, await readZipIndex(zipPath, signal));
  await cache.rememberUnzipped(codeSha256, contents.unzippedBytes, kind === 'layer' ? source : undefined);
  return { source, kind, contents, codeSha256, zipPath };
}

/** The `analyze --json` shape. */
export function reportJson(report: StackReport, imports: unknown[] = []) {
  return {
    budget: {
      limit: report.budget.limit,
      total: report.budget.total,
      parts: report.budget.parts.map((p) => ({ source: p.source, unzipped: p.unzipped })),
    },
    shadowed: report.shadowed.map((s) => ({
      module: s.module,
      providers: s.providers.map((p) => ({ source: p.source, version: p.version ?? null })),
      winner: s.winner,
    })),
    imports,
  };
}
