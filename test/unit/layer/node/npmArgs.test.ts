import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNpmVersion, isCrossBuild, npmInstallArgs, npmInvocation } from '../../../../src/layer/node/npmArgs';
import { chooseLockfile, missingYarn } from '../../../../src/layer/node/lockfile';
import { UserError } from '../../../../src/util/errors';

test('npm args choose Linux glibc packages for the target CPU, production only', () => {
  assert.deepEqual(npmInstallArgs({ command: 'ci', target: { architecture: 'arm64' }, ignoreScripts: true }), [
    'ci',
    '--omit=dev',
    '--os=linux',
    '--cpu=arm64',
    '--libc=glibc',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
  ]);
  const x64 = npmInstallArgs({ command: 'install', target: { architecture: 'x86_64' }, ignoreScripts: false });
  assert.equal(x64[0], 'install');
  assert.ok(x64.includes('--cpu=x64'));
  assert.ok(!x64.includes('--ignore-scripts'));
  assert.ok(!x64.some((a) => a.startsWith('--registry')), 'the registry comes from the user config');
  const prefixed = npmInstallArgs({
    command: 'ci',
    target: { architecture: 'x86_64' },
    ignoreScripts: false,
    prefix: '/tmp/s/nodejs',
  });
  assert.deepEqual(prefixed.slice(-2), ['--prefix', '/tmp/s/nodejs']);
});

test('a cross build is any host that is not Linux glibc with the target CPU (win32, darwin, linux)', () => {
  const arm = { architecture: 'arm64' } as const;
  const x64 = { architecture: 'x86_64' } as const;
  assert.equal(isCrossBuild({ platform: 'win32', arch: 'x64' }, x64), true);
  assert.equal(isCrossBuild({ platform: 'darwin', arch: 'arm64' }, arm), true);
  assert.equal(isCrossBuild({ platform: 'linux', arch: 'x64', libc: 'glibc' }, arm), true);
  assert.equal(isCrossBuild({ platform: 'linux', arch: 'x64', libc: 'musl' }, x64), true);
  assert.equal(isCrossBuild({ platform: 'linux', arch: 'x64', libc: 'glibc' }, x64), false);
  assert.equal(isCrossBuild({ platform: 'linux', arch: 'arm64', libc: 'glibc' }, arm), false);
});

test('npm starts through cmd.exe on Windows and directly elsewhere', () => {
  assert.deepEqual(npmInvocation('win32', ['ci'], { ComSpec: 'C:\\Windows\\system32\\cmd.exe' }), [
    'C:\\Windows\\system32\\cmd.exe',
    ['/d', '/s', '/c', 'npm', 'ci'],
  ]);
  assert.deepEqual(npmInvocation('win32', ['ci'], {}), ['cmd.exe', ['/d', '/s', '/c', 'npm', 'ci']]);
  assert.deepEqual(npmInvocation('darwin', ['ci'], {}), ['npm', ['ci']]);
  assert.deepEqual(npmInvocation('linux', ['--version'], {}), ['npm', ['--version']]);
});

test('npm 10.3 or later is required (for --libc)', () => {
  for (const ok of ['10.3.0', '10.9.2', '11.19.1\n', '12.0.0']) assert.doesNotThrow(() => checkNpmVersion(ok), ok);
  for (const old of ['10.2.4', '9.8.1', '6.14.18', '']) {
    assert.throws(
      () => checkNpmVersion(old),
      (e: Error) => e instanceof UserError && /npm 10\.3 or later/.test(e.message),
    );
  }
});

test('lockfile choice: shrinkwrap over package-lock, then pnpm and yarn; none resolves with npm install', () => {
  assert.deepEqual(chooseLockfile([]), { installer: 'npm' });
  assert.deepEqual(chooseLockfile(['package-lock.json']), { installer: 'npm', lockfile: 'package-lock.json' });
  assert.deepEqual(chooseLockfile(['package-lock.json', 'npm-shrinkwrap.json']), {
    installer: 'npm',
    lockfile: 'npm-shrinkwrap.json',
  });
  assert.deepEqual(chooseLockfile(['yarn.lock', 'package-lock.json']), {
    installer: 'npm',
    lockfile: 'package-lock.json',
  });
  assert.deepEqual(chooseLockfile(['pnpm-lock.yaml']), { installer: 'pnpm', lockfile: 'pnpm-lock.yaml' });
  assert.deepEqual(chooseLockfile(['yarn.lock']), { installer: 'yarn', lockfile: 'yarn.lock' });
  const e = missingYarn(chooseLockfile(['yarn.lock']), '/p');
  assert.match(e.message, /yarn\.lock in \/p .*yarn is not on PATH.*corepack enable.*npm install --package-lock-only/);
});
