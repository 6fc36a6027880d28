import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Log } from '../util/log';
import { ACCOUNT_ID, DEFAULT_REGION, REGION_NAME } from './limits';
import { ApiError, sendError, tooLarge, invalidParameter } from './wire';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** From the SigV4 credential scope; signatures themselves are not checked. */
  region: string;
  /** The caller's account: the access key id when it is 12 digits (to act as another account), else ACCOUNT_ID. */
  account: string;
  requestId: string;
  /** `http://127.0.0.1:PORT`, for URLs the sandbox serves itself. */
  baseUrl: string;
  body(limit: number, operation: string): Promise<Buffer>;
  json<T>(limit: number, operation: string): Promise<T>;
}

export type Handler = (ctx: RequestContext) => Promise<void>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/** A tiny method + path-template router (`/2015-03-31/functions/:FunctionName`). */
export class Router {
  private readonly routes: Route[] = [];

  constructor(private readonly log: Log, private readonly baseUrl: () => string) {}

  add(method: string, template: string, handler: Handler): this {
    this.routes.push({ method, segments: template.split('/'), handler });
    return this;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader('x-amzn-RequestId', requestId);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      const match = this.match(req.method ?? 'GET', url.pathname);
      if (!match) {
        throw new ApiError(404, 'UnknownOperationException', `No operation for ${req.method} ${url.pathname}`);
      }
      this.log.debug(`${req.method} ${url.pathname}${url.search}`);
      await match.route.handler({
        req,
        res,
        params: match.params,
        query: url.searchParams,
        region: regionOf(req),
        account: accountOf(req),
        requestId,
        baseUrl: this.baseUrl(),
        body: (limit, operation) => readBody(req, limit, operation),
        json: async <T>(limit: number, operation: string) => parseJson<T>(await readBody(req, limit, operation)),
      });
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
      } else if (e instanceof ApiError) {
        sendError(res, e);
      } else {
        this.log.error(e instanceof Error ? e : String(e));
        sendError(res, new ApiError(500, 'ServiceException', 'The sandbox hit an internal error; see its log.'));
      }
    }
  }

  private match(method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = pathname.split('/');
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = route.segments.every((seg, i) => {
        if (seg.startsWith(':')) {
          params[seg.slice(1)] = safeDecode(parts[i]);
          return parts[i].length > 0;
        }
        return seg === parts[i];
      });
      if (ok) return { route, params };
    }
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function regionOf(req: IncomingMessage): string {
  const auth = req.headers.authorization ?? '';
  const m = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(auth);
  return m && REGION_NAME.test(m[1]) ? m[1] : DEFAULT_REGION;
}

function accountOf(req: IncomingMessage): string {
  const m = /Credential=(\d{12})\//.exec(req.headers.authorization ?? '');
  return m ? m[1] : ACCOUNT_ID;
}

/** Reads the whole body; past `limit` keeps draining (so the client sees the answer, not a reset) and answers 413. */
async function readBody(req: IncomingMessage, limit: number, operation: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) throw tooLarge(limit, operation);
  return Buffer.concat(chunks, size);
}

function parseJson<T>(body: Buffer): T {
  if (body.length === 0) return {} as T;
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    throw invalidParameter('Could not parse request body into json');
  }
}
