// CreateAlias, GetAlias, UpdateAlias, DeleteAlias, ListAliases with AWS's validation of routing configurations.
import { randomUUID } from 'node:crypto';
import { functionArn, functionNotFound, parseFunctionName } from '../arn';
import type { SandboxContext } from '../context';
import { MAX_CONTROL_REQUEST_BYTES, MAX_DESCRIPTION, MAX_FUNCTION_PAGE } from '../limits';
import { paginate } from '../paging';
import type { RequestContext, Router } from '../router';
import type { AliasRecord, FunctionRecord } from '../store/records';
import { Problems, checkMemberTypes, maxItemsParam } from '../validate';
import { LATEST, aliasArn, aliasConfiguration, findVersion } from '../versions';
import {
  conflict,
  invalidParameter,
  notFound,
  preconditionFailed,
  sendEmpty,
  sendJson,
  validationError,
} from '../wire';

const ALIAS_TYPES = {
  Name: 'string',
  FunctionVersion: 'string',
  Description: 'string',
  RoutingConfig: 'object',
  'RoutingConfig.AdditionalVersionWeights': 'object',
  RevisionId: 'string',
} as const;

interface AliasBody {
  Name?: string;
  FunctionVersion?: string;
  Description?: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, unknown> };
  RevisionId?: string;
}

const ALIAS_PATTERN = '(?!^[0-9]+$)([a-zA-Z0-9-_]+)';
const VERSION_PATTERN = '(\\$LATEST(\\.PUBLISHED)?|[0-9]+)';

export function aliasRoutes(router: Router, sb: SandboxContext): void {
  router
    .add('POST', '/2015-03-31/functions/:FunctionName/aliases', (ctx) => create(ctx, sb))
    .add('GET', '/2015-03-31/functions/:FunctionName/aliases', (ctx) => list(ctx, sb))
    .add('GET', '/2015-03-31/functions/:FunctionName/aliases/:Name', (ctx) => get(ctx, sb))
    .add('PUT', '/2015-03-31/functions/:FunctionName/aliases/:Name', (ctx) => update(ctx, sb))
    .add('DELETE', '/2015-03-31/functions/:FunctionName/aliases/:Name', (ctx) => remove(ctx, sb));
}

/** Model constraints of the alias fields (ValidationException, all at once). */
function checkFields(body: AliasBody, name: string | undefined): void {
  const p = new Problems();
  p.required(name, 'name');
  p.maxLength(name, 'name', 128);
  p.pattern(name, 'name', ALIAS_PATTERN);
  p.maxLength(body.FunctionVersion, 'functionVersion', 1024);
  p.pattern(body.FunctionVersion, 'functionVersion', VERSION_PATTERN);
  p.maxLength(body.Description, 'description', MAX_DESCRIPTION);
  p.throwIfAny();
}

const versionNotFound = (region: string, fn: string, version: string) =>
  notFound(`Function not found: ${functionArn(region, fn)}:${version}`);

/** The version an alias may point at: `$LATEST` or a published version of the function. */
function requireVersion(region: string, fn: FunctionRecord, version: string): void {
  if (version !== LATEST && !findVersion(fn, version)) throw versionNotFound(region, fn.name, version);
}

/**
 * AdditionalVersionWeights as AWS checks it: one extra version at most, weights 0..1, a published version other
 * than the alias's own, and never with an alias on $LATEST. An empty map removes the routing.
 */
function checkWeights(
  region: string,
  fn: FunctionRecord,
  primary: string,
  raw: Record<string, unknown> | undefined,
): Record<string, number> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw validationError([
      `Value '${JSON.stringify(raw)}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Member must be a map`,
    ]);
  const entries = Object.entries(raw);
  if (entries.length > 1)
    throw invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
  for (const [key, value] of entries) {
    const weight = Number(value);
    if (typeof value !== 'number' || !(weight >= 0 && weight <= 1)) {
      throw validationError([
        `Value '{${key}=${String(value)}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]`,
      ]);
    }
    if (!/^[0-9]+$/.test(key) || key.length > 1024) {
      throw validationError([
        `Value '{${key}=${weight}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+, Member must not be null]`,
      ]);
    }
    if (key === primary)
      throw invalidParameter(
        `Invalid function version ${key}. Function version ${key} is already included in routing configuration.`,
      );
    if (primary === LATEST)
      throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
    requireVersion(region, fn, key);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, Number(v)]));
}

function functionName(ctx: RequestContext): string {
  return parseFunctionName(ctx.params.FunctionName, ctx.region).name;
}

function aliasParam(ctx: RequestContext): string {
  const p = new Problems();
  p.maxLength(ctx.params.Name, 'name', 128);
  p.pattern(ctx.params.Name, 'name', ALIAS_PATTERN);
  p.throwIfAny();
  return ctx.params.Name;
}

const aliasNotFound = (region: string, fn: string, alias: string) =>
  notFound(`Cannot find alias arn: ${aliasArn(region, fn, alias)}`);

async function create(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = functionName(ctx);
  const body = await ctx.json<AliasBody>(MAX_CONTROL_REQUEST_BYTES, 'CreateAlias');
  checkMemberTypes(body, ALIAS_TYPES);
  const p = new Problems();
  p.required(body.FunctionVersion, 'functionVersion');
  p.throwIfAny();
  checkFields(body, body.Name);
  const alias = await sb.store.region(ctx.region).functions.modify(name, (fn) => {
    if (!fn) throw functionNotFound(ctx.region, name);
    const version = body.FunctionVersion!;
    requireVersion(ctx.region, fn, version);
    if (fn.aliases?.some((a) => a.name === body.Name))
      throw conflict(`Alias already exists: ${aliasArn(ctx.region, name, body.Name!)}`);
    const weights = checkWeights(ctx.region, fn, version, body.RoutingConfig?.AdditionalVersionWeights);
    const created: AliasRecord = {
      name: body.Name!,
      functionVersion: version,
      description: body.Description ?? '',
      ...(weights && Object.keys(weights).length > 0 && { weights }),
      revisionId: randomUUID(),
    };
    return { next: { ...fn, aliases: [...(fn.aliases ?? []), created] }, result: created };
  });
  sb.log.info(`created alias ${alias.name} of function ${name} (version ${alias.functionVersion})`);
  sendJson(ctx.res, 201, aliasConfiguration(ctx.region, name, alias));
}

async function get(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = functionName(ctx);
  const aliasName = aliasParam(ctx);
  const fn = sb.store.region(ctx.region).functions.get(name);
  if (!fn) throw functionNotFound(ctx.region, name);
  const alias = fn.aliases?.find((a) => a.name === aliasName);
  if (!alias) throw aliasNotFound(ctx.region, name, aliasName);
  sendJson(ctx.res, 200, aliasConfiguration(ctx.region, name, alias));
}

async function update(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = functionName(ctx);
  const aliasName = aliasParam(ctx);
  const body = await ctx.json<AliasBody>(MAX_CONTROL_REQUEST_BYTES, 'UpdateAlias');
  checkMemberTypes(body, ALIAS_TYPES);
  checkFields(body, aliasName);
  const alias = await sb.store.region(ctx.region).functions.modify(name, (fn) => {
    if (!fn) throw functionNotFound(ctx.region, name);
    const current = fn.aliases?.find((a) => a.name === aliasName);
    if (!current) throw aliasNotFound(ctx.region, name, aliasName);
    if (body.RevisionId !== undefined && body.RevisionId !== current.revisionId) throw preconditionFailed();
    const version = body.FunctionVersion ?? current.functionVersion;
    if (body.FunctionVersion !== undefined) requireVersion(ctx.region, fn, version);
    // Routing stays unless RoutingConfig is sent; a new version is checked against the routing it keeps.
    const weights =
      body.RoutingConfig !== undefined
        ? checkWeights(ctx.region, fn, version, body.RoutingConfig.AdditionalVersionWeights ?? {})
        : current.weights;
    if (body.RoutingConfig === undefined && weights) checkWeights(ctx.region, fn, version, weights);
    const updated: AliasRecord = {
      name: current.name,
      description: current.description,
      functionVersion: version,
      ...(body.Description !== undefined && { description: body.Description }),
      ...(weights && Object.keys(weights).length > 0 && { weights }),
      revisionId: randomUUID(),
    };
    return { next: { ...fn, aliases: fn.aliases!.map((a) => (a.name === aliasName ? updated : a)) }, result: updated };
  });
  sendJson(ctx.res, 200, aliasConfiguration(ctx.region, name, alias));
}

/** Idempotent, as AWS: an alias (or function) that is not there is also 204. */
async function remove(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = functionName(ctx);
  const aliasName = aliasParam(ctx);
  await sb.store.region(ctx.region).functions.modify(name, (fn) => {
    if (!fn?.aliases?.some((a) => a.name === aliasName)) return { next: undefined, result: undefined };
    return { next: { ...fn, aliases: fn.aliases.filter((a) => a.name !== aliasName) }, result: undefined };
  });
  sendEmpty(ctx.res, 204);
}

async function list(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = functionName(ctx);
  const version = ctx.query.get('FunctionVersion') ?? undefined;
  const p = new Problems();
  p.pattern(version, 'functionVersion', VERSION_PATTERN);
  p.throwIfAny();
  const limit = Math.min(maxItemsParam(ctx.query.get('MaxItems'), 10_000) ?? MAX_FUNCTION_PAGE, MAX_FUNCTION_PAGE);
  const fn = sb.store.region(ctx.region).functions.get(name);
  if (!fn) throw functionNotFound(ctx.region, name);
  const aliases = (fn.aliases ?? [])
    .filter((a) => version === undefined || a.functionVersion === version)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const { page, nextMarker } = paginate(
    aliases,
    ctx.query.get('Marker'),
    limit,
    (a) => a.name,
    (a, key) => a.name > key,
  );
  sendJson(ctx.res, 200, {
    ...(nextMarker && { NextMarker: nextMarker }),
    Aliases: page.map((a) => aliasConfiguration(ctx.region, name, a)),
  });
}
