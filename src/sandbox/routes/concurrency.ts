import { functionNotFound } from '../arn';
import type { SandboxContext } from '../context';
import { MAX_CONTROL_REQUEST_BYTES } from '../limits';
import type { RequestContext, Router } from '../router';
import { invalidParameter, sendEmpty, sendJson, validationError } from '../wire';
import { latestName } from './functions';

/** Lambda's default account concurrency and the part of it that must stay unreserved. */
export const ACCOUNT_CONCURRENCY = 1000;
const MIN_UNRESERVED = 100;

/** Reserved concurrency: stored on the function, enforced by the invoker (429 past it). */
export function concurrencyRoutes(router: Router, sb: SandboxContext): void {
  router
    .add('PUT', '/2017-10-31/functions/:FunctionName/concurrency', (ctx) => put(ctx, sb))
    .add('GET', '/2019-09-30/functions/:FunctionName/concurrency', (ctx) => get(ctx, sb))
    .add('DELETE', '/2017-10-31/functions/:FunctionName/concurrency', (ctx) => remove(ctx, sb));
}

async function put(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = latestName(ctx);
  const body = await ctx.json<{ ReservedConcurrentExecutions?: unknown }>(
    MAX_CONTROL_REQUEST_BYTES,
    'PutFunctionConcurrency',
  );
  const value = body.ReservedConcurrentExecutions;
  if (value === undefined)
    throw validationError([
      "Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null",
    ]);
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw validationError([
      `Value ${JSON.stringify(value)} at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0`,
    ]);
  }
  const functions = sb.store.region(ctx.region).functions;
  const reservedElsewhere = functions
    .list()
    .reduce((sum, f) => sum + (f.name === name ? 0 : (f.reservedConcurrency ?? 0)), 0);
  if (reservedElsewhere + (value as number) > ACCOUNT_CONCURRENCY - MIN_UNRESERVED) {
    throw invalidParameter(
      `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MIN_UNRESERVED}].`,
    );
  }
  await functions.modify(name, (current) => {
    if (!current) throw functionNotFound(ctx.region, name);
    return { next: { ...current, reservedConcurrency: value as number }, result: undefined };
  });
  sendJson(ctx.res, 200, { ReservedConcurrentExecutions: value });
}

async function get(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = latestName(ctx);
  const fn = sb.store.region(ctx.region).functions.get(name);
  if (!fn) throw functionNotFound(ctx.region, name);
  sendJson(
    ctx.res,
    200,
    fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency },
  );
}

async function remove(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const name = latestName(ctx);
  await sb.store.region(ctx.region).functions.modify(name, (current) => {
    if (!current) throw functionNotFound(ctx.region, name);
    const next = { ...current };
    delete next.reservedConcurrency;
    return { next, result: undefined };
  });
  sendEmpty(ctx.res, 204);
}
