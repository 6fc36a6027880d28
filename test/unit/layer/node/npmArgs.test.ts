import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkNpmVersion,
  isCrossBuild,
  npmInstallArgs,
  npmInvocation,
  outputTail,
} from '../../../../src/layer/node/npmArgs';
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

test("an npm usage error keeps its reason in the message, without npm's usage text; other output keeps its tail", () => {
  const usageError = [
    'npm error code EUSAGE',
    'npm error',
    'npm error `npm ci` can only install packages when your package.json and package-lock.json are in sync.',
    'npm error',
    "npm error Invalid: lock file's b@1.0.0 does not satisfy b@2.0.0",
    'npm error',
    'npm error Clean install a project',
    'npm error',
    'npm error Usage:',
    'npm error npm ci',
    ...Array.from({ length: 40 }, (_, i) => `npm error   --option-${i}`),
    'npm error A complete log of this run can be found in: /tmp/x.log',
  ].join('\n');
  assert.equal(outputTail(usageError), usageError.split('\n').slice(0, 5).join('\n'));
  const other = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\r\n');
  assert.equal(outputTail(other, 3), 'line 27\nline 28\nline 29');
});
