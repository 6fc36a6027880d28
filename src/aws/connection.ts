import * as l10n from '@vscode/l10n';
import { UserError } from '../util/errors';
import { listProfiles, sharedFilePaths, type ProfileInfo } from './profiles';

export { listProfiles, type ProfileInfo, type ProfileKind } from './profiles';

/** Where the explorer talks to: AWS (credentials from a profile or the default chain) or a local endpoint. */
export interface ConnectionSettings {
  kind: 'aws' | 'local';
  /** Named profile; undefined = the SDK's default chain (env credentials, AWS_PROFILE, `default`, ...). */
  profile?: string;
  region: string;
  /** Endpoint override; required for `local`. Used for every client the factory makes (Lambda, S3, IAM). */
  endpoint?: string;
}

/** What the user configured explicitly (extension settings); empty strings count as unset. */
export interface ConnectionPreferences {
  profile?: string;
  region?: string;
  endpoint?: string;
}

export type RegionSource = 'setting' | 'profile' | 'env';
export type EndpointSource = 'setting' | 'profile-service' | 'profile' | 'env-service' | 'env';

export interface ResolvedConnection {
  /** The explicitly chosen profile (setting, else AWS_PROFILE); undefined = default chain. */
  profile?: string;
  /** The profile whose settings apply (the chosen one, else `default` when it exists). */
  profileInfo?: ProfileInfo;
  /** Undefined when nothing names a region: the caller picks one (e.g. asks the user). */
  region?: string;
  regionSource?: RegionSource;
  endpoint?: string;
  endpointSource?: EndpointSource;
}

/**
 * Resolves profile, region and endpoint from settings, the shared files and the environment.
 * Region: setting → profile `region` → AWS_REGION / AWS_DEFAULT_REGION.
 * Endpoint: setting → profile's services-section lambda `endpoint_url` → profile `endpoint_url`
 * → AWS_ENDPOINT_URL_LAMBDA → AWS_ENDPOINT_URL (configured ones skipped when the user opted out
 * with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls).
 */
export async function resolveConnection(
  prefs: ConnectionPreferences = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedConnection> {
  const profiles = await listProfiles(env);
  const chosen = nonEmpty(prefs.profile) ?? nonEmpty(env.AWS_PROFILE);
  const profileInfo = profiles.find((p) => p.name === (chosen ?? 'default'));
  if (chosen && !profileInfo) {
    const paths = sharedFilePaths(env);
    throw new UserError(
      l10n.t(
        'The AWS profile "{0}" is not defined in {1} or {2}. Choose another profile or create it with "aws configure --profile {0}".',
        chosen,
        paths.config,
        paths.credentials,
      ),
    );
  }
  const result: ResolvedConnection = {};
  if (chosen) result.profile = chosen;
  if (profileInfo) result.profileInfo = profileInfo;

  const region = pickFirst<RegionSource>([
    ['setting', prefs.region],
    ['profile', profileInfo?.region],
    ['env', env.AWS_REGION],
    ['env', env.AWS_DEFAULT_REGION],
  ]);
  if (region) [result.regionSource, result.region] = region;

  const ignoreConfigured =
    isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) || isTrue(profileInfo?.ignoreConfiguredEndpointUrls);
  const endpoint = pickFirst<EndpointSource>([
    ['setting', prefs.endpoint],
    ...(ignoreConfigured
      ? []
      : ([
          ['profile-service', profileInfo?.lambdaEndpointUrl],
          ['profile', profileInfo?.endpointUrl],
          ['env-service', env.AWS_ENDPOINT_URL_LAMBDA],
          ['env', env.AWS_ENDPOINT_URL],
        ] as const)),
  ]);
  if (endpoint) [result.endpointSource, result.endpoint] = endpoint;
  return result;
}

/** Static keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
export function hasEnvCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(nonEmpty(env.AWS_ACCESS_KEY_ID) && nonEmpty(env.AWS_SECRET_ACCESS_KEY));
}

/**
 * Whether anything could supply AWS credentials: env keys, a web-identity or container setup, or a
 * profile with a credential source (keys, SSO, role, process, login). No network calls, so instance
 * roles (IMDS) are not detected. Decides the default connection: nothing here → local mode.
 */
export async function hasAnyCredentials(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (hasEnvCredentials(env)) return true;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return true;
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return true;
  try {
    return (await listProfiles(env)).some((p) => p.kind !== 'none');
  } catch {
    return false; // unreadable files: behave as if there were none
  }
}

/** Settings for a local Lambda-compatible endpoint (our sandbox, moto, LocalStack). */
export function localConnection(endpoint: string, region = 'us-east-1'): ConnectionSettings {
  return { kind: 'local', region, endpoint };
}

function pickFirst<S>(candidates: ReadonlyArray<readonly [S, string | undefined]>): [S, string] | undefined {
  for (const [source, value] of candidates) {
    const v = nonEmpty(value);
    if (v) return [source, v];
  }
  return undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function isTrue(v: string | undefined): boolean {
  return v?.trim().toLowerCase() === 'true';
}
