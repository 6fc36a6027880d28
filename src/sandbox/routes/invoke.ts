import { errorMessage } from '../../util/errors';
import { functionArn, parseFunctionName, qualifierOf } from '../arn';
import type { SandboxContext } from '../context';
import { LOG_TAIL_BYTES, MAX_ASYNC_PAYLOAD_BYTES, MAX_SYNC_PAYLOAD_BYTES } from '../limits';
import type { RequestContext, Router } from '../router';
import { Problems } from '../validate';
import { LATEST, resolveTarget } from '../versions';
import { ApiError, functionPending, sendEmpty } from '../wire';
import { requireCode } from './functions';

export function invokeRoutes(router: Router, sb: SandboxContext): void {
  router.add('POST', '/2015-03-31/functions/:FunctionName/invocations', (ctx) => invoke(ctx, sb));
}

const invalidContent = (message: string) => new ApiError(400, 'InvalidRequestContentException', message);

async function invoke(ctx: RequestContext, sb: SandboxContext): Promise<void> {
  const type = header(ctx, 'x-amz-invocation-type') ?? 'RequestResponse';
  const logType = header(ctx, 'x-amz-log-type') ?? 'None';
  const p = new Problems();
  p.enumValue(type, 'invocationType', ['Event', 'RequestResponse', 'DryRun']);
  p.enumValue(logType, 'logType', ['None', 'Tail']);
  p.throwIfAny();

  const ref = parseFunctionName(ctx.params.FunctionName, ctx.region);
  const given = qualifierOf(ref, ctx.query.get('Qualifier'));
  const payload = await ctx.body(type === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES, 'InvokeFunction');
  // A version runs what it pinned; an alias picks its version (or the additional one, by weight) per invocation.
  const { config: fn, version } = resolveTarget(
    ctx.region,
    sb.store.region(ctx.region).functions,
    ref.name,
    given ?? LATEST,
    true,
  );
  const event = checkPayload(payload);
  const clientContext = decodeClientContext(header(ctx, 'x-amz-client-context'));
  if (fn.state === 'Pending') throw functionPending();
  await requireCode(sb, ctx.region, fn);

  if (type === 'DryRun') return sendEmpty(ctx.res, 204);
  // The handler's context sees the ARN as invoked (qualified by the alias or version when one was named).
  const invokedArn = `${functionArn(ctx.region, ref.name)}${given === undefined ? '' : `:${given}`}`;
  const request = { region: ctx.region, fn, version, invokedArn, event, requestId: ctx.requestId, clientContext };
  if (type === 'Event') {
    sb.invoker.runInBackground(request);
    return sendEmpty(ctx.res, 202);
  }

  const result = await sb.invoker.run(request);
  const log = Buffer.from(result.log);
  const body = Buffer.from(result.payload);
  ctx.res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': body.length,
    'X-Amz-Executed-Version': version,
    ...(result.functionError && { 'X-Amz-Function-Error': result.functionError }),
    ...(logType === 'Tail' && {
      'X-Amz-Log-Result': log.subarray(Math.max(0, log.length - LOG_TAIL_BYTES)).toString('base64'),
    }),
  });
  ctx.res.end(body);
}

function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Lambda accepts only JSON payloads; an empty one reaches the handler as `{}`. */
function checkPayload(payload: Buffer): Buffer {
  if (payload.length === 0) return Buffer.from('{}');
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (e) {
    throw invalidContent(
      `Could not parse request body into json: Could not parse payload into json: ${errorMessage(e)}`,
    );
  }
  return payload;
}

function decodeClientContext(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const text = Buffer.from(raw, 'base64').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return text;
  } catch {
    // fall through
  }
  throw invalidContent('Client context must be a valid Base64-encoded JSON object.');
}
