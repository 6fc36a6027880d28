import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPnpmVersion, pnpmInstallArgs, pnpmWorkspaceYaml } from '../../../../src/layer/node/pnpm';
import { npmInvocation } from '../../../../src/layer/node/npmArgs';
import { UserError } from '../../../../src/util/errors';

test('pnpm installs production dependencies from the frozen lockfile; scripts skipped when cross-building', () => {
  assert.deepEqual(pnpmInstallArgs({ ignoreScripts: false }), ['install', '--prod', '--frozen-lockfile']);
  assert.deepEqual(pnpmInstallArgs({ ignoreScripts: true }).at(-1), '--ignore-scripts');
  assert.deepEqual(npmInvocation('win32', ['install'], {}, 'pnpm'), ['cmd.exe', ['/d', '/s', '/c', 'pnpm', 'install']]);
  assert.deepEqual(npmInvocation('darwin', ['install'], {}, 'pnpm'), ['pnpm', ['install']]);
});

test("the staging pnpm-workspace.yaml sets Lambda's platform and a flat tree, keeping the user's other settings", () => {
  assert.equal(
    pnpmWorkspaceYaml(undefined, { architecture: 'arm64' }),
    'nodeLinker: hoisted\nsupportedArchitectures:\n  os: [linux]\n  cpu: [arm64]\n  libc: [glibc]\n',
  );
  const user = [
    'packages:',
    '  - "."',
    'nodeLinker: isolated',
    'supportedArchitectures:',
    '  os:',
    '    - darwin',
    '  cpu: [arm64]',
    'catalog:',
    '  left-pad: ^1.3.0',
    '',
  ].join('\r\n');
  const out = pnpmWorkspaceYaml(user, { architecture: 'x86_64' });
  assert.equal(
    out,
    'packages:\n  - "."\ncatalog:\n  left-pad: ^1.3.0\nnodeLinker: hoisted\nsupportedArchitectures:\n  os: [linux]\n  cpu: [x64]\n  libc: [glibc]\n',
  );
});

test('pnpm 10 or later is required', () => {
  assert.doesNotThrow(() => checkPnpmVersion('10.34.9\n'));
  assert.doesNotThrow(() => checkPnpmVersion('11.0.0'));
  assert.throws(
    () => checkPnpmVersion('9.15.0'),
    (e: Error) => e instanceof UserError && /pnpm 10 or later/.test(e.message),
  );
});
