import { functionArn, functionNotFound, parseFunctionName, qualifierOf, requireLatest } from '../arn';
import type { SandboxContext } from '../context';
import { MAX_FUNCTION_PAGE } from '../limits';
import { paginate } from '../paging';
import type { RequestContext, Router } from '../router';
import { functionConfiguration } from '../shapes';
import type { FunctionRecord, FunctionSnapshot } from '../store/records';
import { LATEST, findVersion, requestTarget, targetConfiguration, versionConfiguration } from '../versions';
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

async function list(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const limit = Math.min(maxItemsParam(ctx.query.get('MaxItems'), 10_000) ?? MAX_FUNCTION_PAGE, MAX_FUNCTION_PAGE);
  const versions = ctx.query.get('FunctionVersion') ?? undefined;
  const p = new Problems();
  p.enumValue(versions, 'functionVersion', ['ALL']);
  p.throwIfAny();
  // With ALL, AWS lists every version, each ARN qualified: $LATEST, then the published versions, function by function.
  const all = sb.store
    .region(ctx.region)
    .functions.list()
    .flatMap((fn) => (versions === 'ALL' ? [undefined, ...(fn.versions ?? [])] : [undefined]).map((v) => ({ fn, v })));
  // Keys sort as the list does: name, then version ($LATEST 0), fixed width; names never hold a NUL.
  const keyOf = (e: (typeof all)[number]) => `${e.fn.name}\u0000${String(e.v?.version ?? 0).padStart(10, '0')}`;
  const { page, nextMarker } = paginate(all, ctx.query.get('Marker'), limit, keyOf, (e, key) => keyOf(e) > key);
  const entry = ({ fn, v }: (typeof all)[number]) =>
    v
      ? versionConfiguration(ctx.region, fn, v, true)
      : versions === 'ALL'
        ? targetConfiguration(ctx.region, { fn, version: LATEST, config: fn, qualifier: LATEST }, true)
        : functionConfiguration(ctx.region, fn, true);
  sendJson(ctx.res, 200, { ...(nextMarker && { NextMarker: nextMarker }), Functions: page.map(entry) });
}

async function get(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const t = requestTarget(ctx, sb.store.region(ctx.region).functions);
  const tags = t.fn.tags;
  sendJson(ctx.res, 200, {
    Configuration: targetConfiguration(ctx.region, t),
    Code: { RepositoryType: 'S3', Location: ctx.blobUrl(t.config.codeBlob) },
    ...(tags && Object.keys(tags).length > 0 && { Tags: tags }),
    ...(t.fn.reservedConcurrency !== undefined && {
      Concurrency: { ReservedConcurrentExecutions: t.fn.reservedConcurrency },
    }),
  });
}

async function getConfiguration(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  sendJson(ctx.res, 200, targetConfiguration(ctx.region, requestTarget(ctx, sb.store.region(ctx.region).functions)));
}

/**
 * DeleteFunction. Unqualified it deletes the function with its versions and aliases; with a qualifier it deletes
 * only that version (one that does not exist is 204, as on AWS), and $LATEST is refused (it goes only with the
 * function). A version an alias points at stays until the alias moves.
 */
async function remove(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const ref = parseFunctionName(ctx.params.FunctionName, ctx.region);
  const qualifier = qualifierOf(ref, ctx.query.get('Qualifier'));
  const functions = sb.store.region(ctx.region).functions;
  if (qualifier !== undefined) {
    if (qualifier === '$LATEST')
      throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
    if (!/^\d+$/.test(qualifier)) throw invalidParameter('Deletion of aliases is not currently supported.');
    const gone = await functions.modify(ref.name, (current) => {
      if (!current) throw functionNotFound(ctx.region, ref.name);
      const version = findVersion(current, qualifier);
      if (!version) return { next: undefined, result: [] };
      const users = (current.aliases ?? [])
        .filter((a) => a.functionVersion === qualifier || a.weights?.[qualifier] !== undefined)
        .map((a) => a.name);
      if (users.length > 0)
        throw conflict(`Unable to delete version because the following aliases reference it: [${users.join(', ')}]`);
      return { next: { ...current, versions: current.versions!.filter((v) => v !== version) }, result: [version] };
    });
    await releaseBlobs(sb, gone);
    if (gone.length > 0) sb.log.info(`deleted version ${qualifier} of function ${ref.name}`);
    return sendEmpty(ctx.res, 204);
  }
  const removed = await functions.modify(ref.name, (current) => {
    if (!current) throw functionNotFound(ctx.region, ref.name);
    return { next: null, result: current };
  });
  await releaseBlobs(sb, [removed, ...(removed.versions ?? [])]);
  sb.log.info(`deleted function ${ref.name}`);
  sendEmpty(ctx.res, 204);
}

/** Deletes the zips of removed records (code and layers) that nothing else references any more. */
async function releaseBlobs(sb: SandboxContext, removed: FunctionSnapshot[]): Promise<void> {
  for (const hex of new Set(removed.flatMap((r) => [r.codeBlob, ...r.layers.map((l) => l.blob)]))) {
    await sb.store.blobs.deleteIfUnused(hex);
  }
}

/** Running a function needs its zip and its layers' zips; a record can outlive them (lost, or deleted by hand). */
export async function requireCode(sb: SandboxContext, region: string, fn: FunctionRecord): Promise<void> {
  const missing = await sb.store.blobs.firstMissing([fn.codeBlob, ...fn.layers.map((l) => l.blob)]);
  if (missing === undefined) return;
  const layer = fn.layers.find((l) => l.blob === missing);
  const what = layer ? `the content of its layer ${layer.arn}` : 'its code';
  const fix = layer
    ? 'Publish the layer again and attach the new version.'
    : 'Upload the code again with UpdateFunctionCode.';
  throw conflict(
    `${functionArn(region, fn.name)} cannot run: ${what} (${missing}.zip) is missing from the endpoint's data folder. ${fix}`,
  );
}
