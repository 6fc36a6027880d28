// `Content.Location` / `Code.Location` URLs: on AWS presigned S3 URLs valid for ten minutes. Here an HMAC
// (keyed by the endpoint's secret) over the path and expiry, so the SDK, the CLI and our own downloads can
// GET them without signing, and a web page cannot make one up.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../wire';
import { amzToDate, toAmz } from './sigv4';

/** How long a download URL stays valid, as Lambda's. */
const CONTENT_URL_SECONDS = 600;

const accessDenied = (message: string) => new ApiError(403, 'AccessDenied', message);

export function presignPath(secret: string, path: string, now: Date = new Date()): string {
  const date = toAmz(now);
  const query = `X-Amz-Date=${date}&X-Amz-Expires=${CONTENT_URL_SECONDS}`;
  return `${path}?${query}&X-Amz-Signature=${mac(secret, path, date, CONTENT_URL_SECONDS)}`;
}

/** Throws `AccessDenied` unless `query` carries this endpoint's unexpired signature of `path`. */
export function checkPresignedPath(secret: string, path: string, query: URLSearchParams, now: Date = new Date()): void {
  const date = query.get('X-Amz-Date') ?? '';
  const expires = query.get('X-Amz-Expires') ?? '';
  const signature = query.get('X-Amz-Signature') ?? '';
  if (!/^\d{8}T\d{6}Z$/.test(date) || !/^\d{1,6}$/.test(expires) || !/^[0-9a-f]{64}$/.test(signature)) {
    throw accessDenied(
      'Query-string authentication requires the X-Amz-Date, X-Amz-Expires and X-Amz-Signature parameters',
    );
  }
  const expected = Buffer.from(mac(secret, path, date, Number(expires)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    throw accessDenied('The request signature we calculated does not match the signature you provided.');
  }
  if (now.getTime() > amzToDate(date).getTime() + Number(expires) * 1000) throw accessDenied('Request has expired');
}

function mac(secret: string, path: string, date: string, expires: number): string {
  return createHmac('sha256', `content-url:${secret}`).update(`GET\n${path}\n${date}\n${expires}`).digest('hex');
}
