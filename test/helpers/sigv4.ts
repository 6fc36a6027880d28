// Requests signed the way the AWS SDK signs them (@smithy/signature-v4, the SDK's own signer), for tests that
// talk to the local endpoint over raw HTTP.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The hash the signer asks for, on node:crypto (an HMAC when given a key). */
export class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {}
}

const bytes = (d: string | ArrayBuffer | ArrayBufferView) =>
  typeof d === 'string'
    ? d
    : ArrayBuffer.isView(d)
      ? Buffer.from(d.buffer, d.byteOffset, d.byteLength)
      : Buffer.from(d);

export interface RawRequest {
  method: string;
  /** Path as it goes on the wire (percent-encoded once). */
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  /** The body, or UNSIGNED-PAYLOAD to sign without it (sent as x-amz-content-sha256). */
  body?: Buffer | string | 'UNSIGNED-PAYLOAD';
}

export function signer(credentials: SigningCredentials, region = 'us-east-1', service = 'lambda'): SignatureV4 {
  // applyChecksum off: Lambda clients send no x-amz-content-sha256, so the endpoint must hash the body itself.
  return new SignatureV4({ credentials, region, service, sha256: NodeSha256, applyChecksum: false });
}

function toSmithy(endpoint: string, r: RawRequest) {
  const url = new URL(endpoint);
  const unsigned = r.body === 'UNSIGNED-PAYLOAD';
  return {
    method: r.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: r.path,
    query: r.query ?? {},
    headers: { host: url.host, ...(unsigned ? { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } : {}), ...r.headers },
    body: unsigned ? undefined : r.body,
  };
}

/** The headers (Authorization, X-Amz-Date, Host, …) of `r` signed with `credentials`. */
export async function signedHeaders(
  endpoint: string,
  r: RawRequest,
  credentials: SigningCredentials,
  options: { region?: string; signingDate?: Date } = {},
): Promise<Record<string, string>> {
  const signed = await signer(credentials, options.region).sign(toSmithy(endpoint, r), {
    signingDate: options.signingDate,
  });
  return signed.headers;
}

/** `r` as a presigned URL (the signature in X-Amz-* query parameters). */
export async function presignedUrl(
  endpoint: string,
  r: RawRequest,
  credentials: SigningCredentials,
  options: { region?: string; signingDate?: Date; expiresIn?: number } = {},
): Promise<string> {
  const signed = await signer(credentials, options.region).presign(toSmithy(endpoint, r), {
    signingDate: options.signingDate,
    expiresIn: options.expiresIn ?? 300,
  });
  const query = Object.entries(signed.query ?? {})
    .flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`),
    )
    .join('&');
  return `${endpoint}${signed.path}?${query}`;
}

export interface SignedAnswer {
  status: number;
  /** Lower-case names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends `r` signed with `credentials` (a JSON or raw body, the query in `r.query`) and reads the whole answer. */
export async function sendSigned(
  endpoint: string,
  r: RawRequest,
  credentials: SigningCredentials,
  region = 'us-east-1',
): Promise<SignedAnswer> {
  const body = r.body === 'UNSIGNED-PAYLOAD' ? undefined : r.body;
  const sized: RawRequest = {
    ...r,
    headers: { ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }), ...r.headers },
  };
  const headers = await signedHeaders(endpoint, sized, credentials, { region });
  const query = Object.entries(r.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`))
    .join('&');
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}${r.path}${query && `?${query}`}`, { method: r.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
