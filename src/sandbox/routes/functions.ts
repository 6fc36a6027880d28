import { functionArn, functionNotFound, parseFunctionName, qualifierOf, requireLatest } from '../arn';
import type { SandboxContext } from '../context';
import { MAX_FUNCTION_PAGE } from '../limits';
import { paginate } from '../paging';
import type { RequestContext, Router } from '../router';
import { functionConfiguration } from '../shapes';
import type { FunctionRecord } from '../store/records';
import { Problems, maxItemsParam } from '../validate';
import { conflict, invalidParameter, sendEmpty, sendJson } from '../wire';
import { createFunction, updateFunctionCode, updateFunctionConfiguration } from './functionWrite';

export function functionRoutes(router: Router, sb: SandboxContext): void {
  router
    .add('GET', '/2015-03-31/functions', (ctx) => list(ctx, sb))
    .add('POST', '/2015-03-31/functions', (ctx) => createFunction(ctx, sb))
    .add('GET', '/2015-03-31/functions/:FunctionName', (ctx) => get(ctx, sb))
    .add('GET', '/2015-03-31/functions/:FunctionName/configuration', (ctx) => getConfiguration(ctx, sb))
    .add('PUT', '/2015-03-31/functions/:FunctionName/configuration', (ctx) => updateFunctionConfiguration(ctx, sb))
    .add('PUT', '/2015-03-31/functions/:FunctionName/code', (ctx) => updateFunctionCode(ctx, sb))
    .add('DELETE', '/2015-03-31/functions/:FunctionName', (ctx) => remove(ctx, sb));
}

/** The bare name in the FunctionName path parameter; it (or `?Qualifier=`) may name only $LATEST. */
export function latestName(ctx: RequestContext): string {
  const ref = parseFunctionName(ctx.params.FunctionName, ctx.region);
  requireLatest({ name: ref.name, qualifier: qualifierOf(ref, ctx.query.get('Qualifier')) }, ctx.region);
  return ref.name;
}

/** Resolves the FunctionName path parameter (plus `?Qualifier=`) to an existing $LATEST function. */
function findFunction(ctx: RequestContext, sb: SandboxContext): FunctionRecord {
  const name = latestName(ctx);
  const record = sb.store.region(ctx.region).functions.get(name);
  if (!record) throw functionNotFound(ctx.region, name);
  return record;
}

async function list(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const limit = Math.min(maxItemsParam(ctx.query.get('MaxItems'), 10_000) ?? MAX_FUNCTION_PAGE, MAX_FUNCTION_PAGE);
  const versions = ctx.query.get('FunctionVersion') ?? undefined;
  const p = new Problems();
  p.enumValue(versions, 'functionVersion', ['ALL']);
  p.throwIfAny();
  const all = sb.store.region(ctx.region).functions.list();
  const { page, nextMarker } = paginate(all, ctx.query.get('Marker'), limit, (f) => f.name, (f, key) => f.name > key);
  // With ALL, AWS lists every version, each ARN qualified; only $LATEST exists here.
  const entry = (f: FunctionRecord) => {
    const config = functionConfiguration(ctx.region, f, true);
    return versions === 'ALL' ? { ...config, FunctionArn: `${config.FunctionArn as string}:$LATEST` } : config;
  };
  sendJson(ctx.res, 200, { ...(nextMarker && { NextMarker: nextMarker }), Functions: page.map(entry) });
}

async function get(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const f = findFunction(ctx, sb);
  sendJson(ctx.res, 200, {
    Configuration: functionConfiguration(ctx.region, f),
    Code: { RepositoryType: 'S3', Location: ctx.blobUrl(f.codeBlob) },
    ...(f.tags && Object.keys(f.tags).length > 0 && { Tags: f.tags }),
    ...(f.reservedConcurrency !== undefined && { Concurrency: { ReservedConcurrentExecutions: f.reservedConcurrency } }),
  });
}

async function getConfiguration(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  sendJson(ctx.res, 200, functionConfiguration(ctx.region, findFunction(ctx, sb)));
}

/**
 * DeleteFunction. Unqualified it deletes the function; with a qualifier it deletes only that version, and
 * $LATEST is refused (it goes only with the function). No version is ever published here, so a version
 * qualifier names nothing and, as on AWS, deletes nothing.
 */
async function remove(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const ref = parseFunctionName(ctx.params.FunctionName, ctx.region);
  const qualifier = qualifierOf(ref, ctx.query.get('Qualifier'));
  const functions = sb.store.region(ctx.region).functions;
  if (qualifier !== undefined) {
    if (qualifier === '$LATEST') throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
    if (!/^\d+$/.test(qualifier)) throw invalidParameter('Deletion of aliases is not currently supported.');
    if (!functions.get(ref.name)) throw functionNotFound(ctx.region, ref.name);
    return sendEmpty(ctx.res, 204);
  }
  const removed = await functions.modify(ref.name, (current) => {
    if (!current) throw functionNotFound(ctx.region, ref.name);
    return { next: null, result: current };
  });
  for (const hex of [removed.codeBlob, ...removed.layers.map((l) => l.blob)]) {
    await sb.store.blobs.deleteIfUnused(hex);
  }
  sb.log.info(`deleted function ${ref.name}`);
  sendEmpty(ctx.res, 204);
}

/** Running a function needs its zip and its layers' zips; a record can outlive them (lost, or deleted by hand). */
export async function requireCode(sb: SandboxContext, region: string, fn: FunctionRecord): Promise<void> {
  const missing = await sb.store.blobs.firstMissing([fn.codeBlob, ...fn.layers.map((l) => l.blob)]);
  if (missing === undefined) return;
  const layer = fn.layers.find((l) => l.blob === missing);
  const what = layer ? `the content of its layer ${layer.arn}` : 'its code';
  const fix = layer ? 'Publish the layer again and attach the new version.' : 'Upload the code again with UpdateFunctionCode.';
  throw conflict(`${functionArn(region, fn.name)} cannot run: ${what} (${missing}.zip) is missing from the endpoint's data folder. ${fix}`);
}
