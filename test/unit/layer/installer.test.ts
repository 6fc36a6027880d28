import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chooseInstaller,
  pipInstallArgs,
  untranslatablePipSettings,
  uvEnv,
  uvInstallArgs,
} from '../../../src/layer/installer';
import { platformTags, resolveTarget } from '../../../src/layer/runtimes';
import type { PipConfig } from '../../../src/layer/pipConfig';
import { hasStableReport } from '../../../src/layer/python';

const base = {
  target: resolveTarget('python3.12', 'x86_64'),
  targetDir: '/stage/python',
  requirementsPath: '/proj/requirements.txt',
  allowSourceBuilds: false,
  timeoutSeconds: 30,
  retries: 2,
};
const noConfig: PipConfig = { env: [], files: [], values: {} };

function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
}

test('pip: wheels only, for the target interpreter and every accepted platform tag', () => {
  const args = pipInstallArgs(base);
  assert.equal(args[0], 'install');
  assert.deepEqual(valuesOf(args, '--target'), ['/stage/python']);
  assert.ok(args.includes('--only-binary=:all:'));
  assert.deepEqual(valuesOf(args, '--implementation'), ['cp']);
  assert.deepEqual(valuesOf(args, '--python-version'), ['3.12']);
  assert.deepEqual(valuesOf(args, '--platform'), platformTags(base.target));
  assert.ok(args.includes('--no-compile'));
  assert.deepEqual(valuesOf(args, '--timeout'), ['30']);
  assert.deepEqual(valuesOf(args, '--retries'), ['2']);
  assert.deepEqual(args.slice(-2), ['-r', '/proj/requirements.txt']);
});

test('pip: the user index configuration is left to pip (no overrides, no isolation)', () => {
  const args = pipInstallArgs(base);
  for (const flag of [
    '--index-url',
    '-i',
    '--extra-index-url',
    '--find-links',
    '--no-index',
    '--isolated',
    '--require-hashes',
    '--no-deps',
  ]) {
    assert.ok(!args.includes(flag), flag);
  }
});

test('pip: allowing source builds drops the binary-only target flags', () => {
  const args = pipInstallArgs({ ...base, allowSourceBuilds: true });
  assert.ok(!args.includes('--only-binary=:all:'));
  assert.ok(!args.includes('--platform'));
  assert.ok(!args.includes('--python-version'));
  assert.ok(args.includes('--prefer-binary'));
  assert.ok(args.includes('--no-compile'));
});

test('uv: equivalent target flags with uv platform names', () => {
  const args = uvInstallArgs({
    ...base,
    target: resolveTarget('python3.11', 'arm64'),
    pythonPath: '/usr/bin/python3',
    pipConfig: noConfig,
  });
  assert.deepEqual(args.slice(0, 2), ['pip', 'install']);
  assert.deepEqual(valuesOf(args, '--target'), ['/stage/python']);
  assert.deepEqual(valuesOf(args, '--python'), ['/usr/bin/python3']);
  assert.deepEqual(valuesOf(args, '--python-version'), ['3.11']);
  assert.deepEqual(valuesOf(args, '--python-platform'), ['aarch64-manylinux_2_17']);
  assert.deepEqual(valuesOf(args, '--only-binary'), [':all:']);
  assert.deepEqual(valuesOf(args, '--link-mode'), ['copy']);
  assert.ok(!args.includes('--compile-bytecode'));
  assert.deepEqual(args.slice(-2), ['-r', '/proj/requirements.txt']);
  const src = uvInstallArgs({ ...base, allowSourceBuilds: true, pythonPath: 'python3', pipConfig: noConfig });
  assert.ok(!src.includes('--only-binary'));
  assert.deepEqual(valuesOf(src, '--python-platform'), ['x86_64-manylinux_2_34']);
});

test('uv: pip index settings are translated, since uv does not read pip.conf or PIP_*', () => {
  const config: PipConfig = {
    env: [],
    files: [],
    values: {
      'index-url': 'https://corp/simple',
      'extra-index-url': 'https://a/simple https://b/simple',
      'find-links': '/wheels',
      'no-index': 'true',
      'trusted-host': 'corp',
    },
  };
  const args = uvInstallArgs({ ...base, pythonPath: 'python3', pipConfig: config });
  assert.deepEqual(valuesOf(args, '--index-url'), ['https://corp/simple']);
  assert.deepEqual(valuesOf(args, '--extra-index-url'), ['https://a/simple', 'https://b/simple']);
  assert.deepEqual(valuesOf(args, '--find-links'), ['/wheels']);
  assert.ok(args.includes('--no-index'));
  assert.deepEqual(valuesOf(args, '--allow-insecure-host'), ['corp']);
});

test('uv: bounded network through its environment, user values win', () => {
  assert.equal(uvEnv({}, 30, 2).UV_HTTP_TIMEOUT, '30');
  assert.equal(uvEnv({ UV_HTTP_TIMEOUT: '5' }, 30, 2).UV_HTTP_TIMEOUT, '5');
  assert.equal(uvEnv({}, 30, 2).UV_HTTP_RETRIES, '2');
});

test('auto picks uv only when it is on PATH and the pip configuration translates', () => {
  assert.equal(chooseInstaller('auto', undefined, noConfig).installer, 'pip');
  assert.equal(chooseInstaller('auto', '/bin/uv', noConfig).installer, 'uv');
  const withCert: PipConfig = { env: [], files: [], values: { cert: '/ca.pem', 'disable-pip-version-check': '1' } };
  assert.deepEqual(untranslatablePipSettings(withCert), ['cert']);
  const choice = chooseInstaller('auto', '/bin/uv', withCert);
  assert.equal(choice.installer, 'pip');
  assert.match(choice.reason ?? '', /cert/);
  assert.equal(chooseInstaller('pip', '/bin/uv', noConfig).installer, 'pip');
  assert.equal(chooseInstaller('uv', undefined, noConfig).installer, 'uv');
});

test('the streamed build needs pip 23.0 or later (a stable installation report); older pip installs to a folder', () => {
  assert.equal(hasStableReport('23.0'), true);
  assert.equal(hasStableReport('25.3.1'), true);
  assert.equal(hasStableReport('22.3.1'), false);
  assert.equal(hasStableReport(undefined), false);
});
