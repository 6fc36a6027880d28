import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { hasEnvCredentials, type ConnectionSettings } from './connection';

export type CredentialsProvider = NonNullable<LambdaClientConfig['credentials']>;

export interface ClientFactoryOptions {
  /** Attempts per call including the first (SDK retries throttling, 5xx and network errors). Default 4. */
  maxAttempts?: number;
  /** `adaptive` also rate-limits the client after throttling, which suits bursts of list calls. Default adaptive. */
  retryMode?: 'standard' | 'adaptive';
  /** Time to establish a TCP/TLS connection. Default 5 s. */
  connectionTimeoutMs?: number;
  /** Whole-request limit for ordinary calls; long calls (invoke, publish) pass their own per request. Default 2 min. */
  requestTimeoutMs?: number;
  /** Whole-request limit for S3 (layer uploads can be hundreds of MB). Default 30 min. */
  s3RequestTimeoutMs?: number;
  /** Replaces the credentials: the keys of our own local endpoint, or a test's. */
  credentials?: CredentialsProvider;
  /** Appended to the SDK user agent. */
  userAgent?: string;
}

/** Keys moto and LocalStack accept (they check no signatures); LocalStack's documented defaults. */
export const PLACEHOLDER_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * The one place SDK clients are made. All clients of a factory share the connection's credentials
 * provider (memoized by the SDK, refreshed ahead of expiry, failures not cached so a later
 * `aws sso login` takes effect) and one pair of keep-alive agents. Create a new factory when the
 * connection changes; `dispose()` closes the pooled sockets.
 */
export class AwsClientFactory {
  readonly credentials: CredentialsProvider;
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 50 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 50 });
  private readonly handler: NodeHttpHandler;
  private lambdaClient?: LambdaClient;
  private s3Client?: S3Client;
  private iamClient?: IAMClient;

  constructor(
    readonly settings: ConnectionSettings,
    private readonly options: ClientFactoryOptions = {},
  ) {
    if (settings.kind === 'local' && !settings.endpoint) throw new Error('A local connection needs an endpoint');
    this.credentials = options.credentials ?? defaultCredentials(settings);
    this.handler = this.makeHandler(options.requestTimeoutMs ?? 120_000);
  }

  get lambda(): LambdaClient {
    return (this.lambdaClient ??= new LambdaClient({ ...this.baseConfig(), requestHandler: this.handler }));
  }

  get iam(): IAMClient {
    return (this.iamClient ??= new IAMClient({ ...this.baseConfig(), requestHandler: this.handler }));
  }

  get s3(): S3Client {
    // Own handler (same agents, so the same socket pool) because uploads need a longer request limit.
    return (this.s3Client ??= new S3Client({
      ...this.baseConfig(),
      requestHandler: this.makeHandler(this.options.s3RequestTimeoutMs ?? 30 * 60_000),
      // Custom endpoints (moto, LocalStack, MinIO) rarely resolve bucket subdomains.
      forcePathStyle: Boolean(this.settings.endpoint),
    }));
  }

  dispose(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private baseConfig() {
    return {
      region: this.settings.region,
      credentials: this.credentials,
      maxAttempts: this.options.maxAttempts ?? 4,
      retryMode: this.options.retryMode ?? 'adaptive',
      ...(this.settings.endpoint ? { endpoint: this.settings.endpoint } : {}),
      ...(this.options.userAgent ? { customUserAgent: this.options.userAgent } : {}),
    };
  }

  private makeHandler(requestTimeout: number): NodeHttpHandler {
    return new NodeHttpHandler({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      connectionTimeout: this.options.connectionTimeoutMs ?? 5_000,
      requestTimeout,
      throwOnRequestTimeout: true,
    });
  }
}

/**
 * Keys for a local endpoint the factory was not given keys for (moto, LocalStack, a standalone `node
 * dist/sandbox.js`): the named profile's, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, as the AWS CLI
 * with --endpoint-url would use, else placeholder keys. Never the instance-metadata lookups of the full
 * chain, which would stall every local call on a machine without them.
 */
export function localCredentials(
  settings: ConnectionSettings,
  env: NodeJS.ProcessEnv = process.env,
): CredentialsProvider {
  if (settings.profile) return fromNodeProviderChain({ profile: settings.profile, ignoreCache: true });
  if (!hasEnvCredentials(env)) return PLACEHOLDER_CREDENTIALS;
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID!.trim(),
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY!.trim(),
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}

function defaultCredentials(settings: ConnectionSettings): CredentialsProvider {
  if (settings.kind === 'local') return localCredentials(settings);
  // Handles env keys, static/role/process/SSO (sso_session and legacy) profiles, web identity and
  // container/instance roles. An explicit profile wins over env keys. ignoreCache: re-read the files
  // whenever credentials are (re)fetched, so edits and fresh SSO tokens are seen.
  return fromNodeProviderChain({ ...(settings.profile ? { profile: settings.profile } : {}), ignoreCache: true });
}
