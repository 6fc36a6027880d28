import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';

/** How a profile obtains credentials, as far as the files tell. `none` = settings only (region, endpoint). */
export type ProfileKind = 'static' | 'sso' | 'role' | 'process' | 'web-identity' | 'login' | 'none';

export interface ProfileInfo {
  name: string;
  kind: ProfileKind;
  region?: string;
  /** `endpoint_url` set on the profile itself (applies to every service). */
  endpointUrl?: string;
  /** `endpoint_url` for lambda from the profile's `services` section. */
  lambdaEndpointUrl?: string;
  /** `ignore_configured_endpoint_urls`, raw. */
  ignoreConfiguredEndpointUrls?: string;
  /** For SSO profiles: the session name (`sso_session`) when the new format is used. */
  ssoSession?: string;
  /** For SSO profiles: the start URL, resolved through the sso-session section when needed. */
  ssoStartUrl?: string;
}

type Section = Record<string, string | undefined>;

const SSO_SESSION_PREFIX = 'sso-session.';
const SERVICES_PREFIX = 'services.';

/** Paths of the shared files, honouring AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE like the SDK does. */
export function sharedFilePaths(env: NodeJS.ProcessEnv = process.env): { config: string; credentials: string } {
  const home = env.HOME || env.USERPROFILE || homedir();
  return {
    config: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

/** Every profile named in the config or credentials file (missing files count as empty), `default` first. */
export async function listProfiles(env: NodeJS.ProcessEnv = process.env): Promise<ProfileInfo[]> {
  const paths = sharedFilePaths(env);
  // ignoreCache: the user may have edited the files (or run `aws configure`) since the last look.
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    configFilepath: paths.config,
    filepath: paths.credentials,
    ignoreCache: true,
  });
  const names = new Set<string>();
  for (const key of [...Object.keys(configFile), ...Object.keys(credentialsFile)]) {
    if (!key.startsWith(SSO_SESSION_PREFIX) && !key.startsWith(SERVICES_PREFIX)) names.add(key);
  }
  const profiles = [...names].map((name) =>
    describeProfile(name, { ...configFile[name], ...credentialsFile[name] }, configFile),
  );
  return profiles.sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));
}

function describeProfile(name: string, section: Section, configFile: Record<string, Section>): ProfileInfo {
  const info: ProfileInfo = { name, kind: profileKind(section) };
  if (section.region) info.region = section.region;
  if (section.endpoint_url) info.endpointUrl = section.endpoint_url;
  const services = section.services ? configFile[`${SERVICES_PREFIX}${section.services}`] : undefined;
  if (services?.['lambda.endpoint_url']) info.lambdaEndpointUrl = services['lambda.endpoint_url'];
  if (section.ignore_configured_endpoint_urls)
    info.ignoreConfiguredEndpointUrls = section.ignore_configured_endpoint_urls;
  if (info.kind === 'sso') {
    if (section.sso_session) info.ssoSession = section.sso_session;
    const session = section.sso_session ? configFile[`${SSO_SESSION_PREFIX}${section.sso_session}`] : undefined;
    const startUrl = section.sso_start_url ?? session?.sso_start_url;
    if (startUrl) info.ssoStartUrl = startUrl;
  }
  return info;
}

function profileKind(s: Section): ProfileKind {
  if (s.sso_session || s.sso_start_url) return 'sso';
  if (s.role_arn && s.web_identity_token_file) return 'web-identity';
  if (s.role_arn) return 'role';
  if (s.aws_access_key_id && s.aws_secret_access_key) return 'static';
  if (s.credential_process) return 'process';
  if (s.login_session) return 'login';
  return 'none';
}
