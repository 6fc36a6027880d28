// PublishVersion, ListVersionsByFunction and `Publish: true` on CreateFunction / UpdateFunctionCode.
import { functionNotFound, parseFunctionName } from '../arn';
import type { SandboxContext } from '../context';
import { MAX_CONTROL_REQUEST_BYTES, MAX_DESCRIPTION, MAX_FUNCTION_PAGE } from '../limits';
import { paginate } from '../paging';
import type { RequestContext, Router } from '../router';
import type { FunctionRecord, PublishedVersionRecord } from '../store/records';
import { Problems, checkMemberTypes, maxItemsParam } from '../validate';
import { LATEST, publishVersion, targetConfiguration, versionConfiguration } from '../versions';
import { invalidParameter, sendJson } from '../wire';
import { checkUpdatable } from './functionWrite';

interface PublishBody {
  CodeSha256?: string;
  Description?: string;
  RevisionId?: string;
}

export function versionRoutes(router: Router, sb: SandboxContext): void {
  router
    .add('POST', '/2015-03-31/functions/:FunctionName/versions', (ctx) => publish(ctx, sb))
    .add('GET', '/2015-03-31/functions/:FunctionName/versions', (ctx) => list(ctx, sb));
}

async function publish(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const { name } = parseFunctionName(ctx.params.FunctionName, ctx.region);
  const body = await ctx.json<PublishBody>(MAX_CONTROL_REQUEST_BYTES, 'PublishVersion');
  checkMemberTypes(body, { CodeSha256: 'string', Description: 'string', RevisionId: 'string' });
  const p = new Problems();
  p.maxLength(body.Description, 'description', MAX_DESCRIPTION);
  p.throwIfAny();
  const functions = sb.store.region(ctx.region).functions;
  const { fn, version } = await functions.modify(name, (current) => {
    const f = checkUpdatable(ctx, current, name, body.RevisionId);
    if (body.CodeSha256 !== undefined && body.CodeSha256 !== f.codeSha256) {
      throw invalidParameter(
        `CodeSHA256 (${body.CodeSha256}) is different from current CodeSHA256 in $LATEST (${f.codeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    }
    const published = publishVersion(f, body.Description);
    return { next: published.next, result: { fn: published.next ?? f, version: published.version } };
  });
  sb.log.info(`published version ${version.version} of function ${name}`);
  sendJson(ctx.res, 201, versionConfiguration(ctx.region, fn, version));
}

/** $LATEST first, then the published versions oldest first, as AWS lists them; at most 50 a page. */
async function list(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const { name } = parseFunctionName(ctx.params.FunctionName, ctx.region);
  const limit = Math.min(maxItemsParam(ctx.query.get('MaxItems'), 10_000) ?? MAX_FUNCTION_PAGE, MAX_FUNCTION_PAGE);
  const fn = sb.store.region(ctx.region).functions.get(name);
  if (!fn) throw functionNotFound(ctx.region, name);
  sendJson(ctx.res, 200, versionsPage(ctx, fn, limit));
}

/** One page of a function's $LATEST and versions; the marker carries the last version number ($LATEST is 0). */
function versionsPage(ctx: RequestContext, fn: FunctionRecord, limit: number) {
  const all: (PublishedVersionRecord | undefined)[] = [undefined, ...(fn.versions ?? [])];
  const order = (v: PublishedVersionRecord | undefined) => v?.version ?? 0;
  const { page, nextMarker } = paginate(
    all,
    ctx.query.get('Marker'),
    limit,
    (v) => String(order(v)),
    (v, key) => order(v) > Number(key),
  );
  const entry = (v: PublishedVersionRecord | undefined) =>
    v
      ? versionConfiguration(ctx.region, fn, v, true)
      : targetConfiguration(ctx.region, { fn, version: LATEST, config: fn, qualifier: LATEST }, true);
  return { ...(nextMarker && { NextMarker: nextMarker }), Versions: page.map(entry) };
}

/**
 * `Publish: true` on CreateFunction and UpdateFunctionCode: the record to store also holds a new version of what
 * it now is, and the answer describes that version.
 */
export function publishIfAsked(
  record: FunctionRecord,
  publish: unknown,
): { record: FunctionRecord; version?: PublishedVersionRecord } {
  if (publish !== true) return { record };
  const { next, version } = publishVersion(record, undefined);
  return { record: next ?? record, version };
}

/** The answer of a write that may have published: the version's configuration, else $LATEST's. */
export function writtenConfiguration(
  region: string,
  record: FunctionRecord,
  version: PublishedVersionRecord | undefined,
) {
  return version
    ? versionConfiguration(region, record, version)
    : targetConfiguration(region, { fn: record, version: LATEST, config: record });
}
