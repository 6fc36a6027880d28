// Published versions and aliases of a stored function: snapshots, qualifier resolution and their wire shapes.
import { createHash, randomUUID } from 'node:crypto';
import { functionArn, functionNotFound, parseFunctionName, qualifierOf } from './arn';
import type { RequestContext } from './router';
import { functionConfiguration } from './shapes';
import type { AliasRecord, FunctionRecord, FunctionSnapshot, PublishedVersionRecord } from './store/records';
import type { RegionStore } from './store/store';
import { awsDate, notFound } from './wire';

export const LATEST = '$LATEST';

/** A copy of `record` without `keys`. */
function omit<T extends object, K extends keyof T>(record: T, keys: K[]): Omit<T, K> {
  const copy = { ...record };
  for (const k of keys) delete copy[k];
  return copy;
}

/** The part of $LATEST a version pins (everything but the function's own bookkeeping). */
const snapshotOf = (f: FunctionRecord): FunctionSnapshot =>
  omit(f, ['versions', 'lastVersion', 'aliases', 'tags', 'reservedConcurrency', 'state', 'lastUpdateStatus']);

/** What decides whether $LATEST changed since a version was published: code and configuration, not bookkeeping. */
function sourceDigest(f: FunctionRecord): string {
  const config = Object.entries(omit(snapshotOf(f), ['revisionId', 'lastModified'])).sort(([a], [b]) =>
    a < b ? -1 : 1,
  );
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}

/**
 * Publishes $LATEST as the next version, or returns the newest version when $LATEST has not changed since it
 * was published (as AWS does). `next` is the record to store (undefined when nothing changed).
 */
export function publishVersion(
  f: FunctionRecord,
  description: string | undefined,
): { next?: FunctionRecord; version: PublishedVersionRecord } {
  const digest = sourceDigest(f);
  const newest = f.versions?.at(-1);
  if (newest && newest.sourceDigest === digest) return { version: newest };
  const number = Math.max(f.lastVersion ?? 0, newest?.version ?? 0) + 1;
  const version: PublishedVersionRecord = {
    ...snapshotOf(f),
    ...(description !== undefined && { description }),
    version: number,
    sourceDigest: digest,
    lastModified: awsDate(),
    revisionId: randomUUID(),
  };
  // $LATEST gets a new RevisionId too: AWS moves it on every publish.
  const next: FunctionRecord = {
    ...f,
    versions: [...(f.versions ?? []), version],
    lastVersion: number,
    revisionId: randomUUID(),
  };
  return { next, version };
}

/** A version as a function record, so the invoker and the shapes treat it like $LATEST. */
export function versionAsFunction(v: PublishedVersionRecord): FunctionRecord {
  return { ...omit(v, ['version', 'sourceDigest']), state: 'Active', lastUpdateStatus: 'Successful' };
}

export function findVersion(f: FunctionRecord, version: string): PublishedVersionRecord | undefined {
  return f.versions?.find((v) => String(v.version) === version);
}

export const isVersionNumber = (q: string) => /^\d+$/.test(q);

/** What a qualified request names: the function, the version that answers and the qualifier as given. */
export interface Target {
  fn: FunctionRecord;
  /** `$LATEST` or a version number. */
  version: string;
  /** The record that runs and describes it ($LATEST's own, or the version as a function). */
  config: FunctionRecord;
  qualifier?: string;
  alias?: AliasRecord;
}

/** The version an alias answers with: its own, or the additional one with the weight's probability. */
export function routeAlias(alias: AliasRecord, random = Math.random()): string {
  const [extra, weight] = Object.entries(alias.weights ?? {})[0] ?? [];
  return extra !== undefined && random < weight! ? extra : alias.functionVersion;
}

/** Resolves a function and qualifier to what answers; unknown versions and aliases are AWS's 404. */
export function resolveTarget(
  region: string,
  functions: RegionStore['functions'],
  name: string,
  qualifier: string | undefined,
  route = false,
): Target {
  const fn = functions.get(name);
  if (!fn)
    throw qualifier === undefined
      ? functionNotFound(region, name)
      : notFound(`Function not found: ${functionArn(region, name)}:${qualifier}`);
  if (qualifier === undefined || qualifier === LATEST) return { fn, version: LATEST, config: fn, qualifier };
  const alias = isVersionNumber(qualifier) ? undefined : fn.aliases?.find((a) => a.name === qualifier);
  const version = alias ? (route ? routeAlias(alias) : alias.functionVersion) : qualifier;
  if (version === LATEST) return { fn, version, config: fn, qualifier, alias };
  const published = findVersion(fn, version);
  if (!published || (!alias && !isVersionNumber(qualifier)))
    throw notFound(`Function not found: ${functionArn(region, name)}:${qualifier}`);
  return { fn, version, config: versionAsFunction(published), qualifier, alias };
}

/** The FunctionName path parameter plus `?Qualifier=`, resolved. */
export function requestTarget(ctx: RequestContext, functions: RegionStore['functions'], route = false): Target {
  const ref = parseFunctionName(ctx.params.FunctionName, ctx.region);
  return resolveTarget(ctx.region, functions, ref.name, qualifierOf(ref, ctx.query.get('Qualifier')), route);
}

/** FunctionConfiguration of what a target names; its ARN carries the qualifier when one was given (as AWS answers). */
export function targetConfiguration(region: string, t: Target, listing = false) {
  const config = functionConfiguration(region, t.config, listing);
  config.Version = t.version;
  if (t.qualifier !== undefined) config.FunctionArn = `${functionArn(region, t.fn.name)}:${t.qualifier}`;
  return config;
}

/** A published version's FunctionConfiguration (its ARN qualified by its number). */
export function versionConfiguration(region: string, fn: FunctionRecord, v: PublishedVersionRecord, listing = false) {
  const n = String(v.version);
  return targetConfiguration(region, { fn, version: n, config: versionAsFunction(v), qualifier: n }, listing);
}

export const aliasArn = (region: string, fn: string, alias: string) => `${functionArn(region, fn)}:${alias}`;

export function aliasConfiguration(region: string, fn: string, a: AliasRecord) {
  return {
    AliasArn: aliasArn(region, fn, a.name),
    Name: a.name,
    FunctionVersion: a.functionVersion,
    Description: a.description,
    ...(a.weights && Object.keys(a.weights).length > 0 && { RoutingConfig: { AdditionalVersionWeights: a.weights } }),
    RevisionId: a.revisionId,
  };
}
