import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import type { Log } from '../util/log';
import { checkPresignedPath, presignPath } from './auth/contentUrls';
import { checkNotFromBrowser } from './auth/requestGate';
import { checkSignatureTime, readSignature, verifySignature, type ReceivedRequest } from './auth/sigv4';
import { ACCOUNT_ID, DEFAULT_REGION, UPLOAD_BODY_LIMIT } from './limits';
import { ApiError, sendError, tooLarge, invalidParameter } from './wire';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** From the verified SigV4 credential scope (always one of AWS's regions). */
  region: string;
  /** The caller's account: the access key id when it is 12 digits (to act as another account), else ACCOUNT_ID. */
  account: string;
  requestId: string;
  /** The presigned, expiring download URL of a blob (`Content.Location`, `Code.Location`). */
  blobUrl(hex: string): string;
  body(limit: BodyLimit, operation: string): Promise<Buffer>;
  json<T>(limit: BodyLimit, operation: string): Promise<T>;
}

/** A body size limit in bytes, or one whose 413 names another number (an upload's, see UPLOAD_BODY_LIMIT). */
export type BodyLimit = number | { bytes: number; named: number };

export type Handler = (ctx: RequestContext) => Promise<void>;

/**
 * `signed`: the request must carry a valid SigV4 signature (every API operation). `presignedUrl`: the URL
 * carries the endpoint's own expiring signature (blob downloads, which clients GET without signing).
 */
export type Access = 'signed' | 'presignedUrl';

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
  access: Access;
}

/** Where the endpoint listens and the secret its clients sign with. */
export interface RouterEndpoint {
  url: string;
  port: number;
  secretAccessKey: string;
}

/**
 * A tiny method + path-template router (`/2015-03-31/functions/:FunctionName`) that lets through only
 * requests from non-browser clients holding the secret. Order: Host and browser markers, then the
 * signature's form, scope and date (before any of the body is read, so an unsigned 70 MB upload is refused
 * without being buffered), then the body is read while hashed and the signature checked against it
 * before the handler runs.
 */
export class Router {
  private readonly routes: Route[] = [];

  constructor(
    private readonly log: Log,
    private readonly endpoint: () => RouterEndpoint,
    /** Idle time after which a body that stopped arriving is given up (see readBody). */
    private readonly bodyIdleMs: number,
  ) {}

  add(method: string, template: string, handler: Handler, access: Access = 'signed'): this {
    this.routes.push({ method, segments: template.split('/'), handler, access });
    return this;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader('x-amzn-RequestId', requestId);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const received: ReceivedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders };
    const { url: baseUrl, port, secretAccessKey } = this.endpoint();
    let bodyRead = false;
    let authorized = false;
    try {
      checkNotFromBrowser(received, port);
      const match = this.match(received.method, url.pathname);
      let region = DEFAULT_REGION;
      let account = ACCOUNT_ID;
      let body: ReadBody = { data: Buffer.alloc(0), size: 0 };
      if (match?.route.access === 'presignedUrl') {
        checkPresignedPath(secretAccessKey, url.pathname, url.searchParams);
        authorized = true;
      } else {
        const claim = readSignature(received, 'lambda');
        checkSignatureTime(claim, new Date());
        bodyRead = true;
        const read = await readBody(req, this.bodyIdleMs);
        verifySignature(received, claim, secretAccessKey, read.sha256);
        authorized = true;
        if (!match)
          throw new ApiError(404, 'UnknownOperationException', `No operation for ${req.method} ${url.pathname}`);
        ({ region } = claim);
        account = /^\d{12}$/.test(claim.accessKeyId) ? claim.accessKeyId : ACCOUNT_ID;
        body = read;
      }
      this.log.debug(`${req.method} ${url.pathname}${url.search}`);
      const bodyWithin = (limit: BodyLimit, operation: string) => {
        const { bytes, named } = typeof limit === 'number' ? { bytes: limit, named: limit } : limit;
        if (body.size > bytes) throw tooLarge(named, operation);
        return body.data;
      };
      await match!.route.handler({
        req,
        res,
        params: match!.params,
        query: url.searchParams,
        region,
        account,
        requestId,
        blobUrl: (hex) => `${baseUrl}${presignPath(secretAccessKey, `/_sandbox/blobs/${hex}.zip`)}`,
        body: async (limit, operation) => bodyWithin(limit, operation),
        json: async <T>(limit: BodyLimit, operation: string) => parseJson<T>(bodyWithin(limit, operation)),
      });
    } catch (e) {
      // A refused request's body is not read: the connection closes after the answer instead of waiting for it.
      if (!bodyRead && !res.headersSent) res.setHeader('Connection', 'close');
      // Said in the log: a client with the wrong keys, or a web page trying its luck.
      if (!authorized && e instanceof ApiError)
        this.log.info(`Refused ${req.method} ${url.pathname}: ${e.code}: ${e.message.split('\n')[0]}`);
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

interface ReadBody {
  data: Buffer;
  /** Bytes received; past the largest upload body they are hashed but not kept. */
  size: number;
}

/**
 * Reads the whole body while hashing it (the signature covers it). Past the largest request any operation
 * takes it keeps draining without keeping the bytes, so the client sees the 413 rather than a reset. The server
 * has no request timeout (an Invoke may run 15 minutes), so a body that stops arriving for `idleMs` closes the
 * connection: otherwise a stalled client would hold it and the bytes buffered so far forever.
 */
async function readBody(req: IncomingMessage, idleMs: number): Promise<ReadBody & { sha256: string }> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  const stalled = () =>
    req.destroy(new ApiError(408, 'RequestTimeoutException', `No bytes of the request body for ${idleMs} ms`));
  req.setTimeout(idleMs, stalled);
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
      if (size <= UPLOAD_BODY_LIMIT.bytes) chunks.push(chunk);
    }
  } finally {
    req.off('timeout', stalled);
    req.setTimeout(0);
  }
  return { data: Buffer.concat(chunks), size, sha256: hash.digest('hex') };
}

/** The body's members; a JSON null, as a body or a member, is absent (as on AWS), so routes never see null. */
function parseJson<T>(body: Buffer): T {
  if (body.length === 0) return {} as T;
  try {
    return (JSON.parse(body.toString('utf8'), (_key, value: unknown) => (value === null ? undefined : value)) ??
      {}) as T;
  } catch {
    throw invalidParameter('Could not parse request body into json');
  }
}
