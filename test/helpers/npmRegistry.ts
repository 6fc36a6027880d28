import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packTarball, type NpmPackage } from '../fixtures/npmPackages';
import { startLocalServer } from './localServer';

/** A real npm registry (Verdaccio) on loopback, with no uplinks: it serves only what a test publishes. */
export interface NpmRegistry {
  url: string;
  /** Publishes generated packages through the registry's publish API, as `npm publish` does. */
  publish(...packages: NpmPackage[]): Promise<void>;
  /**
   * Environment for an `npm` child that uses only this registry, a fresh cache and no user or global npmrc,
   * so the host's configuration never leaks in.
   */
  npmEnv(): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export interface NpmRegistryOptions {
  /**
   * Verdaccio's storage folder, kept (with what was published into it) after `close`: a benchmark publishes its
   * generated packages once and serves them again on later runs. Default: a temp folder removed on close.
   */
  storage?: string;
}

export async function startNpmRegistry(options: NpmRegistryOptions = {}): Promise<NpmRegistry> {
  const home = mkdtempSync(join(tmpdir(), 'll-verdaccio-'));
  const config = join(home, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(options.storage ?? join(home, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(join(home, 'htpasswd'))}`,
      'uplinks: {}',
      // JWT tokens are checked with an HMAC; Verdaccio's legacy tokens cost a bcrypt check (about 0.1 s of CPU)
      // on every request, which made authenticated installs several times slower than any real registry.
      'security:',
      '  api:',
      '    legacy: false',
      '    jwt:',
      '      sign:',
      '        expiresIn: 7d',
      'packages:',
      // Like a company's scope on a private registry: reading it needs the token npmEnv's npmrc carries.
      "  '@private/*':",
      '    access: $authenticated',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: json, level: error }',
      '',
    ].join('\n'),
  );
  const server = await startLocalServer({
    name: 'verdaccio',
    command: process.execPath,
    args: (port) => [require.resolve('verdaccio/bin/verdaccio'), '--config', config, '--listen', `127.0.0.1:${port}`],
    readyPath: '/-/ping',
    installHint: 'Verdaccio comes with the dev dependencies: run npm ci.',
    timeoutMs: 60_000,
  });
  const token = await addUser(server.url);

  const npmrc = join(home, 'npmrc');
  const host = server.url.replace(/^http:/, '');
  writeFileSync(npmrc, `registry=${server.url}/\n${host}/:_authToken=${token}\n`);
  const emptyGlobal = join(home, 'global-npmrc');
  writeFileSync(emptyGlobal, '');

  return {
    url: server.url,
    async publish(...packages) {
      for (const pkg of packages) await publishOne(server.url, token, pkg);
    },
    npmEnv() {
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
      return {
        ...env,
        npm_config_userconfig: npmrc,
        npm_config_globalconfig: emptyGlobal,
        npm_config_registry: `${server.url}/`,
        npm_config_cache: mkdtempSync(join(home, 'cache-')),
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
      };
    },
    async close() {
      await server.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

async function addUser(url: string): Promise<string> {
  const r = await fetch(`${url}/-/user/org.couchdb.user:tester`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'tester', password: 'tester-password', type: 'user', roles: [] }),
  });
  const body = (await r.json()) as { token?: string };
  if (!r.ok || !body.token)
    throw new Error(`verdaccio refused the test user: HTTP ${r.status} ${JSON.stringify(body)}`);
  return body.token;
}

async function publishOne(url: string, token: string, pkg: NpmPackage): Promise<void> {
  const tarball = packTarball(pkg);
  const file = `${pkg.name.replace(/^@[^/]+\//, '')}-${pkg.version}.tgz`;
  const manifest = {
    ...pkg.manifest,
    name: pkg.name,
    version: pkg.version,
    _id: `${pkg.name}@${pkg.version}`,
    dist: {
      shasum: createHash('sha1').update(tarball).digest('hex'),
      integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      tarball: `${url}/${pkg.name}/-/${file}`,
    },
  };
  const doc = {
    _id: pkg.name,
    name: pkg.name,
    'dist-tags': { latest: pkg.version },
    versions: { [pkg.version]: manifest },
    _attachments: {
      [file]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length },
    },
  };
  const r = await fetch(`${url}/${pkg.name.replace('/', '%2f')}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(doc),
  });
  if (!r.ok) throw new Error(`publishing ${pkg.name}@${pkg.version} failed: HTTP ${r.status} ${await r.text()}`);
}
