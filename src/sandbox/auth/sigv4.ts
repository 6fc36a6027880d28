// AWS Signature Version 4 verification (the Authorization header and the presigned query forms), with
// the error codes and messages AWS answers. Pure: the caller passes the request as received and the body's
// SHA-256. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { closestRegions, isKnownRegion } from '../../aws/regions';
import { ApiError } from '../wire';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** How far X-Amz-Date may be from the endpoint's clock. */
const MAX_CLOCK_SKEW_MS = 15 * 60_000;
/** The longest X-Amz-Expires a presigned request may ask for (a week, as on AWS). */
const MAX_PRESIGN_SECONDS = 604_800;

/** A request as it arrived: the target still percent-encoded, headers as Node's `rawHeaders` (name, value, …). */
export interface ReceivedRequest {
  method: string;
  url: string;
  rawHeaders: readonly string[];
}

/** What the signature claims, read before the body is. */
export interface SignatureClaim {
  form: 'header' | 'query';
  accessKeyId: string;
  /** X-Amz-Date (or the Date header in the amz format): `20260101T120000Z`. */
  amzDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** Presigned form: how long after `amzDate` the request stays valid. */
  expiresSeconds?: number;
}

const missingToken = () => new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
const incomplete = (message: string) => new ApiError(403, 'IncompleteSignatureException', message);
const invalid = (message: string) => new ApiError(403, 'InvalidSignatureException', message);

/**
 * Reads the signature of a request without its body: throws `MissingAuthenticationTokenException` when
 * there is none and `IncompleteSignatureException` / `InvalidSignatureException` when it is malformed, scoped
 * to another service or to a region AWS does not have.
 */
export function readSignature(req: ReceivedRequest, service: string): SignatureClaim {
  const authorization = headerValues(req.rawHeaders, 'authorization');
  const query = new URLSearchParams(queryOf(req.url));
  const presigned = query.has('X-Amz-Algorithm');
  if (authorization.length > 0 && presigned) {
    throw incomplete(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified',
    );
  }
  let claim: SignatureClaim;
  if (presigned) claim = fromQuery(query);
  else if (authorization.length > 0) claim = fromHeader(authorization.join(','), req.rawHeaders);
  else throw missingToken();
  if (!claim.signedHeaders.includes('host'))
    throw incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  if (claim.service !== service) throw incomplete(`Credential should be scoped to correct service: '${service}'. `);
  if (!isKnownRegion(claim.region)) {
    throw invalid(
      `Credential should be scoped to a valid region, not '${claim.region}'. Did you mean ${closestRegions(claim.region).join(', ')}?`,
    );
  }
  return claim;
}

function fromHeader(authorization: string, rawHeaders: readonly string[]): SignatureClaim {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM)
    throw incomplete(
      `Unsupported AWS 'algorithm': '${algorithm}'. Sign requests with ${ALGORITHM} (Signature Version 4).`,
    );
  const fields: Record<string, string> = {};
  for (const part of authorization
    .slice(space + 1)
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 0)
      throw incomplete(
        `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
      );
    fields[part.slice(0, eq)] = part.slice(eq + 1);
  }
  const amzDate = headerValues(rawHeaders, 'x-amz-date')[0] ?? httpDateToAmz(headerValues(rawHeaders, 'date')[0]);
  const missing = [
    ...['Credential', 'Signature', 'SignedHeaders']
      .filter((k) => !fields[k])
      .map((k) => `Authorization header requires '${k}' parameter.`),
    ...(amzDate ? [] : ["Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."]),
  ];
  if (missing.length > 0) throw incomplete(`${missing.join(' ')} Authorization=${authorization}`);
  return {
    form: 'header',
    ...scopeOf(fields.Credential, amzDate!),
    signedHeaders: fields.SignedHeaders.split(';'),
    signature: fields.Signature,
  };
}

function fromQuery(query: URLSearchParams): SignatureClaim {
  const names = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];
  const missing = names.filter((n) => !query.get(n));
  if (missing.length > 0) {
    throw incomplete(
      `${missing.map((n) => `AWS query-string parameters must include '${n}'.`).join(' ')} Re-examine the query-string parameters.`,
    );
  }
  const algorithm = query.get('X-Amz-Algorithm')!;
  if (algorithm !== ALGORITHM)
    throw incomplete(
      `Unsupported AWS 'algorithm': '${algorithm}'. Sign requests with ${ALGORITHM} (Signature Version 4).`,
    );
  const expires = query.get('X-Amz-Expires');
  const expiresSeconds = expires === null ? MAX_PRESIGN_SECONDS : Number(expires);
  if (!/^\d+$/.test(expires ?? '0') || expiresSeconds > MAX_PRESIGN_SECONDS) {
    throw incomplete(
      `X-Amz-Expires must be a whole number of seconds less than a week (${MAX_PRESIGN_SECONDS}), not '${expires}'.`,
    );
  }
  return {
    form: 'query',
    ...scopeOf(query.get('X-Amz-Credential')!, query.get('X-Amz-Date')!),
    signedHeaders: query.get('X-Amz-SignedHeaders')!.split(';'),
    signature: query.get('X-Amz-Signature')!,
    expiresSeconds,
  };
}

function scopeOf(credential: string, amzDate: string) {
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw incomplete(
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const parts = credential.split('/');
  if (parts.length < 5)
    throw incomplete(`Credential should have at least 5 slash-separated parts, not ${parts.length}.`);
  const [date, region, service, terminator] = parts.slice(-4);
  if (terminator !== TERMINATOR)
    throw incomplete(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'.`);
  if (date !== amzDate.slice(0, 8)) {
    throw invalid(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  return { accessKeyId: parts.slice(0, -4).join('/'), amzDate, region, service };
}

/** Refuses a signature made more than 15 minutes from `now`, or a presigned request past its expiry. */
export function checkSignatureTime(claim: SignatureClaim, now: Date): void {
  const signed = amzToDate(claim.amzDate).getTime();
  const early = new Date(now.getTime() - MAX_CLOCK_SKEW_MS);
  const late = new Date(now.getTime() + MAX_CLOCK_SKEW_MS);
  if (signed > late.getTime()) {
    throw invalid(
      `Signature not yet current: ${claim.amzDate} is still later than ${toAmz(late)} (${toAmz(now)} + 15 min.)`,
    );
  }
  if (claim.form === 'query') {
    const until = new Date(signed + claim.expiresSeconds! * 1000);
    if (until.getTime() < now.getTime())
      throw invalid(
        `Signature expired: ${toAmz(until)} is now earlier than ${toAmz(now)} (${claim.amzDate} + ${claim.expiresSeconds} s.)`,
      );
  } else if (signed < early.getTime()) {
    throw invalid(`Signature expired: ${claim.amzDate} is now earlier than ${toAmz(early)} (${toAmz(now)} - 15 min.)`);
  }
}

/**
 * Checks the signature against `secretAccessKey`, comparing in constant time. `bodySha256` is the hex
 * SHA-256 of the body as received (Lambda clients send no x-amz-content-sha256; presigned requests may
 * sign UNSIGNED-PAYLOAD instead). Throws `InvalidSignatureException` with the canonical request and
 * string to sign the endpoint expected, as AWS does.
 */
export function verifySignature(
  req: ReceivedRequest,
  claim: SignatureClaim,
  secretAccessKey: string,
  bodySha256: string,
): void {
  const declared = headerValues(req.rawHeaders, 'x-amz-content-sha256')[0];
  if (declared !== undefined && declared !== UNSIGNED_PAYLOAD && declared !== bodySha256) {
    throw invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const payloadHashes =
    declared !== undefined ? [declared] : claim.form === 'query' ? [UNSIGNED_PAYLOAD, bodySha256] : [bodySha256];
  const provided = /^[0-9a-f]{64}$/.test(claim.signature) ? Buffer.from(claim.signature, 'hex') : undefined;
  const key = signingKey(secretAccessKey, claim.amzDate.slice(0, 8), claim.region, claim.service);
  let first: { canonical: string; toSign: string } | undefined;
  for (const payloadHash of payloadHashes) {
    const canonical = canonicalRequest(req, claim, payloadHash);
    const toSign = stringToSign(claim, canonical);
    const expected = createHmac('sha256', key).update(toSign).digest();
    if (provided && timingSafeEqual(provided, expected)) return;
    first ??= { canonical, toSign };
  }
  throw invalid(
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
      `Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${first!.canonical}'\n\n` +
      `The String-to-Sign should have been\n'${first!.toSign}'\n`,
  );
}

function canonicalRequest(req: ReceivedRequest, claim: SignatureClaim, payloadHash: string): string {
  const headers = claim.signedHeaders.map(
    (name) => `${name}:${headerValues(req.rawHeaders, name).map(canonicalHeaderValue).join(',')}\n`,
  );
  return [
    req.method.toUpperCase(),
    canonicalPath(pathOf(req.url)),
    canonicalQuery(queryOf(req.url), claim.form === 'query'),
    headers.join(''),
    claim.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

function stringToSign(claim: SignatureClaim, canonical: string): string {
  const scope = `${claim.amzDate.slice(0, 8)}/${claim.region}/${claim.service}/${TERMINATOR}`;
  return [ALGORITHM, claim.amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
}

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return [date, region, service, TERMINATOR].reduce<Buffer>(
    (key, part) => createHmac('sha256', key).update(part).digest(),
    Buffer.from(`AWS4${secret}`),
  );
}

/**
 * The path as the signer saw it (already percent-encoded once, as on the wire), with dot segments and
 * empty segments removed, then encoded a second time: every service but S3 signs it that way.
 */
export function canonicalPath(rawPath: string): string {
  if (rawPath === '') return '/';
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `${rawPath.startsWith('/') ? '/' : ''}${segments.map(uriEncode).join('/')}${trailing}`;
}

/** Each name and value decoded, then encoded the SigV4 way, sorted by name and then value. */
export function canonicalQuery(rawQuery: string, dropSignature: boolean): string {
  const pairs: string[][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const [name, value] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    if (dropSignature && name === 'X-Amz-Signature') continue;
    pairs.push([uriEncode(percentDecode(name)), uriEncode(percentDecode(value))]);
  }
  pairs.sort(([an, av], [bn, bv]) => compare(an, bn) || compare(av, bv));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** RFC 3986 encoding of everything but unreserved characters, as SigV4 requires. */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const canonicalHeaderValue = (v: string) => v.trim().replace(/\s+/g, ' ');

/** Every value of a header (case-insensitive name), in the order received. */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2)
    if (rawHeaders[i].toLowerCase() === name) values.push(rawHeaders[i + 1]);
  return values;
}

const pathOf = (url: string) => {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
};

const queryOf = (url: string) => {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
};

/** `20260101T120000Z` for a date (SigV4's "basic format"). */
export const toAmz = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The date of a `20260101T120000Z` stamp (Invalid Date when it is not one). */
export function amzToDate(amz: string): Date {
  return new Date(
    `${amz.slice(0, 4)}-${amz.slice(4, 6)}-${amz.slice(6, 8)}T${amz.slice(9, 11)}:${amz.slice(11, 13)}:${amz.slice(13, 15)}Z`,
  );
}

function httpDateToAmz(date: string | undefined): string | undefined {
  const parsed = date === undefined ? NaN : Date.parse(date);
  return Number.isNaN(parsed) ? undefined : toAmz(new Date(parsed));
}
