import * as l10n from '@vscode/l10n';
/**
 * How npm would fetch a lockfile's tarballs, from npm's effective settings (`npm config list --json`, which ranks
 * the variables, the project's, user's and global npmrc and npm's defaults) and, for credentials (which that list
 * hides), the npmrc files themselves. Settings the streamed install does not implement (proxies, client
 * certificates, offline mode, linked installs …) return `npmNeeded`, and npm installs as before.
 */
export interface FetchSettings {
  /** The URL npm fetches for a lockfile's `resolved` (after `replace-registry-host`). */
  tarballUrl(resolved: string, name: string): string;
  /** The Authorization header npm sends to this URL, if any. */
  authorization(url: string): string | undefined;
  /** TLS as npm sets it up: its CA list (replacing the default roots, as npm does) and strict-ssl. */
  ca?: string[];
  rejectUnauthorized: boolean;
  /** npm's `maxsockets`, bounded: tarballs fetched at once. */
  concurrency: number;
  retries: number;
  timeoutMs: number;
  /** npm's `bin-links`: whether `node_modules/.bin` gets its links. */
  binLinks: boolean;
  /** npm's cache folder (`cache`): tarballs npm fetched before are read from it, as `npm ci` does. */
  npmCache?: string;
}

export type Config = Record<string, unknown>;

export interface NpmrcFile {
  path: string;
  text: string;
}

const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

/**
 * `config` is npm's effective configuration; `npmrcs` the project's, the user's and the global npmrc in npm's
 * order of precedence; `caFile` the text of `cafile` when one is set.
 */
export function fetchSettings(
  config: Config,
  npmrcs: readonly NpmrcFile[],
  env: NodeJS.ProcessEnv,
  caFile?: string,
): FetchSettings | { npmNeeded: string } {
  for (const key of ['proxy', 'https-proxy'])
    if (config[key]) return { npmNeeded: l10n.t('the {0} setting (the streamed install does not use proxies)', key) };
  if (config.offline === true) return { npmNeeded: l10n.t('the offline setting') };
  const strategy = config['install-strategy'];
  if (strategy !== undefined && strategy !== 'hoisted')
    return { npmNeeded: l10n.t('install-strategy={0}', String(strategy)) };
  if (Array.isArray(config.include) && config.include.length > 0)
    return { npmNeeded: l10n.t('include={0}', config.include.join(',')) };
  if (config.cert || config.key) return { npmNeeded: l10n.t('a client certificate (cert, key)') };

  const credentials = readCredentials(npmrcs, env);
  if ('npmNeeded' in credentials) return credentials;
  const registry = withSlash(typeof config.registry === 'string' ? config.registry : DEFAULT_REGISTRY);
  const replaceHost = typeof config['replace-registry-host'] === 'string' ? config['replace-registry-host'] : 'npmjs';
  const ca = [...caList(config.ca), ...(caFile ? splitPem(caFile) : [])];
  const number = (key: string, fallback: number) =>
    typeof config[key] === 'number' && Number.isFinite(config[key]) ? (config[key] as number) : fallback;
  return {
    tarballUrl(resolved, name) {
      const scope = /^(@[^/]+)\//.exec(name)?.[1];
      const scoped = scope ? config[`${scope}:registry`] : undefined;
      const to = withSlash(typeof scoped === 'string' ? scoped : registry);
      return replaceRegistryHost(resolved, to, replaceHost);
    },
    authorization: (url) => credentials.authorization(url),
    ca: ca.length > 0 ? ca : undefined,
    rejectUnauthorized: config['strict-ssl'] !== false,
    concurrency: Math.max(1, Math.min(16, number('maxsockets', 16))),
    retries: Math.max(0, Math.min(5, number('fetch-retries', 2))),
    timeoutMs: Math.max(1000, number('fetch-timeout', 300000)),
    binLinks: config['bin-links'] !== false,
    npmCache: typeof config.cache === 'string' && config.cache ? config.cache : undefined,
  };
}

/**
 * npm's `replace-registry-host`: "npmjs" (the default) points tarballs of registry.npmjs.org at the configured
 * registry, "always" every tarball, "never" none, anything else tarballs of that host.
 */
export function replaceRegistryHost(resolved: string, registry: string, setting: string): string {
  let from: URL;
  let to: URL;
  try {
    from = new URL(resolved);
    to = new URL(registry);
  } catch {
    return resolved;
  }
  const replace =
    setting === 'always' ||
    (setting === 'npmjs' && from.hostname === 'registry.npmjs.org') ||
    (setting !== 'never' && setting !== 'npmjs' && from.hostname === setting);
  if (!replace || from.origin === to.origin) return resolved;
  // The registry's path prefix replaces the default registry's (none): http://r/npm/ + /a/-/a-1.tgz.
  return `${to.origin}${to.pathname.replace(/\/$/, '')}${from.pathname}${from.search}`;
}

interface Credentials {
  authorization(url: string): string | undefined;
}

/** `//host/path/:_authToken`, `:_auth` and `:username` + `:_password`, the first file that sets a key winning. */
function readCredentials(npmrcs: readonly NpmrcFile[], env: NodeJS.ProcessEnv): Credentials | { npmNeeded: string } {
  const values = new Map<string, string>();
  for (const file of npmrcs) {
    for (const [key, value] of parseNpmrc(file.text, env)) {
      if (!values.has(key)) values.set(key, value);
    }
  }
  for (const key of values.keys()) {
    if (/^(_auth|_authToken|_password|username)$/.test(key))
      return { npmNeeded: l10n.t('a "{0}" setting without a registry (npm asks for //host/:{1})', key, key) };
    if (/^\/\/.*:(certfile|keyfile)$/.test(key))
      return { npmNeeded: l10n.t('a client certificate (certfile, keyfile)') };
  }
  return {
    authorization(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return undefined;
      }
      // The tarball's own path first, then each folder above it: the longest "//host/path/" with credentials.
      const segments = parsed.pathname.split('/').slice(1, -1);
      for (let n = segments.length; n >= 0; n--) {
        const nerf = `//${parsed.host}/${segments
          .slice(0, n)
          .map((s) => `${s}/`)
          .join('')}`;
        const token = values.get(`${nerf}:_authToken`);
        if (token) return `Bearer ${token}`;
        const basic = values.get(`${nerf}:_auth`);
        if (basic) return `Basic ${basic}`;
        const user = values.get(`${nerf}:username`);
        const password = values.get(`${nerf}:_password`);
        if (user && password)
          return `Basic ${Buffer.from(`${user}:${Buffer.from(password, 'base64').toString('utf8')}`).toString('base64')}`;
      }
      return undefined;
    },
  };
}

/** ini lines as npm reads them: `key = value`, `;` and `#` comments, quoted values, `${VAR}` from the environment. */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith(';') || line.startsWith('#') || line.startsWith('[')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = expand(line.slice(0, eq).trim(), env);
    let value = line.slice(eq + 1).trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    out.push([key, expand(value, env)]);
  }
  return out;
}

function expand(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/(\\*)\$\{([^}?]+)(\?)?\}/g, (whole, slashes: string, name: string, optional?: string) => {
    if (slashes.length % 2 === 1) return whole.slice(1);
    const value = env[name];
    return slashes + (value ?? (optional ? '' : whole));
  });
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function caList(value: unknown): string[] {
  if (typeof value === 'string' && value) return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : [];
}

function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
