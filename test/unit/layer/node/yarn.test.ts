import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import {
  projectUsesBerry,
  yarnFlavor,
  yarnInstallArgs,
  yarnRegistry,
  yarnrcYaml,
} from '../../../../src/layer/node/yarn';
import { yarnConfigEnv } from '../../../../src/layer/node/npmConfig';
import type { Host } from '../../../../src/layer/node/npmArgs';
import { UserError } from '../../../../src/util/errors';

const LINUX_X64: Host = { platform: 'linux', arch: 'x64', libc: 'glibc' };
const x64 = { runtime: 'nodejs22.x', architecture: 'x86_64' } as const;
const arm64 = { runtime: 'nodejs22.x', architecture: 'arm64' } as const;
const flavor = (version: string, host: Host, target: typeof x64 | typeof arm64 = x64, berryProject = false) =>
  yarnFlavor({ version, projectUsesBerry: berryProject, host, hostName: `${host.platform} ${host.arch}`, target });

test('Yarn 4 builds for any target from any host; Classic only on Linux glibc of the target CPU', () => {
  for (const platform of ['win32', 'darwin', 'linux'] as const) {
    assert.equal(flavor('4.18.1\n', { platform, arch: 'arm64' }, x64), 'berry');
  }
  assert.equal(flavor('1.22.22', LINUX_X64), 'classic');
  assert.equal(flavor('1.22.22', { platform: 'linux', arch: 'arm64', libc: 'glibc' }, arm64), 'classic');
  const refused = (host: Host, target: typeof x64 | typeof arm64 = x64) =>
    assert.throws(
      () => flavor('1.22.22', host, target),
      (e: Error) =>
        e instanceof UserError &&
        /Yarn Classic.*Build on Linux.*corepack enable.*npm install --package-lock-only/.test(e.message),
    );
  refused({ platform: 'win32', arch: 'x64' });
  refused({ platform: 'darwin', arch: 'x64' });
  refused(LINUX_X64, arm64);
  refused({ platform: 'linux', arch: 'x64', libc: 'musl' });
});

test('Yarn 2 and 3 lack a production-only install; Classic cannot run a Berry project', () => {
  assert.throws(() => flavor('3.8.7', LINUX_X64), /Yarn 3\.8\.7 .*Yarn 4 or later/);
  assert.throws(() => flavor('1.22.22', LINUX_X64, x64, true), /uses Yarn 2 or later.*1\.22\.22.*corepack enable/);
});

test('a Berry project is known by packageManager, .yarnrc.yml or the lockfile format', () => {
  const v1Lock = '# yarn lockfile v1\n\n"a@^1.0.0":\n  version "1.0.0"\n';
  assert.equal(projectUsesBerry({ lockText: v1Lock }), false);
  assert.equal(projectUsesBerry({ lockText: v1Lock, packageManager: 'yarn@1.22.22' }), false);
  assert.equal(projectUsesBerry({ lockText: v1Lock, packageManager: 'yarn@4.5.0+sha512.abc' }), true);
  assert.equal(projectUsesBerry({ lockText: v1Lock, yarnrcYml: '' }), true);
  assert.equal(projectUsesBerry({ lockText: '__metadata:\n  version: 8\n' }), true);
});

test('yarn installs production dependencies from the lockfile: focus on Berry, frozen on Classic', () => {
  assert.deepEqual(yarnInstallArgs('berry'), ['workspaces', 'focus', '--production']);
  assert.deepEqual(yarnInstallArgs('classic'), ['install', '--production', '--frozen-lockfile', '--non-interactive']);
});

test("the staging .yarnrc.yml sets node_modules, Lambda's platform and scripts, keeping the user's settings", () => {
  assert.equal(
    yarnrcYaml(undefined, { architecture: 'arm64' }, { enableScripts: false, projectDir: '/p' }),
    [
      'nodeLinker: node-modules',
      'nmMode: classic',
      'supportedArchitectures:',
      '  os: [linux]',
      '  cpu: [arm64]',
      '  libc: [glibc]',
      'enableScripts: false',
      '',
    ].join('\n'),
  );
  const user = [
    'nodeLinker: pnp',
    'npmRegistryServer: "https://npm.example.com"',
    'npmScopes:',
    '  acme:',
    '    npmAuthToken: ${ACME_TOKEN}',
    'supportedArchitectures:',
    '  os:',
    '    - darwin',
    'enableScripts: true',
    'yarnPath: .yarn/releases/yarn-4.5.0.cjs',
    '',
  ].join('\r\n');
  const out = yarnrcYaml(user, { architecture: 'x86_64' }, { enableScripts: true, projectDir: resolve('/p') });
  assert.equal(
    out,
    [
      'npmRegistryServer: "https://npm.example.com"',
      'npmScopes:',
      '  acme:',
      '    npmAuthToken: ${ACME_TOKEN}',
      `yarnPath: ${JSON.stringify(resolve('/p', '.yarn/releases/yarn-4.5.0.cjs'))}`,
      'nodeLinker: node-modules',
      'nmMode: classic',
      'supportedArchitectures:',
      '  os: [linux]',
      '  cpu: [x64]',
      '  libc: [glibc]',
      'enableScripts: true',
      '',
    ].join('\n'),
  );
});

test("Yarn Berry's registry: the variable, then the project's .yarnrc.yml, the user's, the default", () => {
  const project = 'npmRegistryServer: "https://project.example/npm"\n';
  const user = "npmRegistryServer: 'https://user:secret@user.example/'\n";
  assert.deepEqual(yarnRegistry({ YARN_NPM_REGISTRY_SERVER: 'http://127.0.0.1:4873' }, project, user), {
    kind: 'index',
    url: 'http://127.0.0.1:4873',
    from: 'YARN_NPM_REGISTRY_SERVER',
  });
  assert.equal(yarnRegistry({}, project, user).url, 'https://project.example/npm');
  assert.equal(yarnRegistry({}, undefined, user).from, 'user .yarnrc.yml');
  assert.ok(!yarnRegistry({}, undefined, user).url.includes('secret'), 'credentials are redacted');
  assert.equal(yarnRegistry({}, undefined, undefined).url, 'https://registry.yarnpkg.com');
});

test('YARN_* variables that change what is installed are part of the cache key; cache folders are not', () => {
  assert.deepEqual(
    yarnConfigEnv({ YARN_NPM_REGISTRY_SERVER: 'x', YARN_CACHE_FOLDER: '/c', YARN_ENABLE_TELEMETRY: '0', PATH: '/b' }),
    [['yarn_npm_registry_server', 'x']],
  );
});
