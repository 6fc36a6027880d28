import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installTimeBuild, unloadedPrebuild } from '../../../../src/layer/node/installScripts';
import { foreignBinaryKind } from '../../../../src/layer/nativeFacts';
import {
  missingPlatformPackages,
  nodeOwners,
  packageDirOf,
  summarizeNodePackages,
} from '../../../../src/layer/node/packages';

const none = { hasBindingGyp: false, hasTargetPrebuild: false };

test('install scripts that compile or fetch native code are detected', () => {
  assert.equal(installTimeBuild({ scripts: { install: 'node-gyp rebuild' } }, none), 'install: node-gyp rebuild');
  assert.equal(
    installTimeBuild({ scripts: { install: 'prebuild-install || node-gyp rebuild --release' } }, none),
    'install: prebuild-install || node-gyp rebuild --release',
  );
  assert.equal(
    installTimeBuild({ scripts: { install: 'node-pre-gyp install --fallback-to-build' } }, none),
    'install: node-pre-gyp install --fallback-to-build',
  );
  assert.equal(
    installTimeBuild({ scripts: { postinstall: 'cmake-js compile' } }, none),
    'postinstall: cmake-js compile',
  );
  assert.equal(
    installTimeBuild({ scripts: { preinstall: 'npx node-gyp configure' } }, none),
    'preinstall: npx node-gyp configure',
  );
});

test('binding.gyp without an install script means npm runs node-gyp rebuild', () => {
  assert.equal(installTimeBuild({}, { ...none, hasBindingGyp: true }), 'install: node-gyp rebuild');
  assert.equal(
    installTimeBuild({ scripts: { install: 'node install.js' } }, { ...none, hasBindingGyp: true }),
    undefined,
  );
});

test('plain scripts and node-gyp-build with a prebuild for the target are fine', () => {
  assert.equal(
    installTimeBuild({ scripts: { postinstall: 'node ./print-thanks.js', test: 'node-gyp rebuild' } }, none),
    undefined,
  );
  assert.equal(
    installTimeBuild({ scripts: { install: 'node-gyp-build' } }, { ...none, hasTargetPrebuild: true }),
    undefined,
  );
  assert.equal(installTimeBuild({ scripts: { install: 'node-gyp-build' } }, none), 'install: node-gyp-build');
});

test('prebuilds node-gyp-build never loads on Lambda are skipped by the scan', () => {
  assert.equal(unloadedPrebuild('node_modules/bcrypt/prebuilds/darwin-arm64/bcrypt.node', 'arm64'), true);
  assert.equal(unloadedPrebuild('node_modules/bcrypt/prebuilds/linux-x64/bcrypt.glibc.node', 'arm64'), true);
  assert.equal(unloadedPrebuild('node_modules/bcrypt/prebuilds/linux-arm64/bcrypt.musl.node', 'arm64'), true);
  assert.equal(unloadedPrebuild('node_modules/bcrypt/prebuilds/linux-arm64/bcrypt.glibc.node', 'arm64'), false);
  assert.equal(unloadedPrebuild('node_modules/x/build/Release/x.node', 'arm64'), false);
});

test('package folders: the innermost node_modules/<name> or @scope/<name>', () => {
  assert.equal(packageDirOf('node_modules/a/index.js'), 'node_modules/a');
  assert.equal(
    packageDirOf('node_modules/@x/native-linux-arm64-gnu/native.node'),
    'node_modules/@x/native-linux-arm64-gnu',
  );
  assert.equal(packageDirOf('node_modules/a/node_modules/b/lib/x.js'), 'node_modules/a/node_modules/b');
  assert.equal(packageDirOf('node_modules/a/node_modules/.bin/x'), 'node_modules/a');
  assert.equal(packageDirOf('node_modules/.package-lock.json'), undefined);
  assert.equal(packageDirOf('node_modules/.bin/x'), undefined);
});

test('package summary and owners come from each package folder', () => {
  const file = (path: string, size: number) => ({ path, abs: `/s/${path}`, size });
  const files = [
    file('node_modules/.package-lock.json', 5),
    file('node_modules/a/index.js', 10),
    file('node_modules/a/package.json', 2),
    file('node_modules/a/node_modules/b/index.js', 7),
    file('node_modules/a/node_modules/b/package.json', 1),
  ];
  const installed = [
    { dir: 'node_modules/a', name: 'a', version: '1.0.0', manifest: {} },
    { dir: 'node_modules/a/node_modules/b', name: 'b', version: '2.0.0', manifest: {} },
    { dir: 'node_modules/c', name: 'c', version: '3.0.0', manifest: {} },
  ];
  // a is the project's dependency; c is hoisted to the top but only pulled in by a: reported, not loaded.
  assert.deepEqual(summarizeNodePackages(files, installed, new Set(['a'])), [
    { name: 'a', version: '1.0.0', size: 12, files: 2, topLevel: ['a'] },
    { name: 'b', version: '2.0.0', size: 8, files: 2, topLevel: [] },
    { name: 'c', version: '3.0.0', size: 0, files: 0, topLevel: [] },
    { name: '(other files)', version: '', size: 5, files: 1, topLevel: [] },
  ]);
  const owners = nodeOwners(files, installed);
  assert.equal(owners.get('node_modules/a/node_modules/b/index.js'), 'b');
  assert.equal(owners.get('node_modules/a/index.js'), 'a');
  assert.equal(owners.has('node_modules/.package-lock.json'), false);
});

test('a lockfile from another platform: listed Linux twins for the target that npm did not install are named', () => {
  const pkg = (name: string, optionalDependencies?: Record<string, string>) => ({
    dir: `node_modules/${name}`,
    name,
    version: '1.0.0',
    manifest: { optionalDependencies },
  });
  const sharp = pkg('sharp', {
    '@img/sharp-linux-arm64': '1',
    '@img/sharp-linuxmusl-arm64': '1',
    '@img/sharp-linux-x64': '1',
    '@img/sharp-darwin-arm64': '1',
  });
  assert.deepEqual(missingPlatformPackages([sharp], 'arm64'), ['sharp → @img/sharp-linux-arm64']);
  assert.deepEqual(missingPlatformPackages([sharp, pkg('@img/sharp-linux-arm64')], 'arm64'), []);
  assert.deepEqual(missingPlatformPackages([pkg('esbuild', { '@esbuild/linux-x64': '1' })], 'x64'), [
    'esbuild → @esbuild/linux-x64',
  ]);
});

test('Mach-O (thin, universal, either byte order) and PE modules are told by their first bytes; ELF is not foreign', () => {
  const u32be = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  for (const magic of [0xfeedfacf, 0xcffaedfe, 0xfeedface, 0xcafebabe])
    assert.equal(foreignBinaryKind(u32be(magic)), 'Mach-O');
  assert.equal(foreignBinaryKind(Buffer.from('MZ\x90\x00', 'latin1')), 'PE');
  assert.equal(foreignBinaryKind(Buffer.from('\x7fELF', 'latin1')), undefined);
  assert.equal(foreignBinaryKind(Buffer.from('// x')), undefined);
});
