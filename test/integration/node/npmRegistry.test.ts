// The local npm registry the Node layer tests install from, and the npm behaviour the Node stager relies on:
// `--os/--cpu/--libc` choose the platform twins of a native package, whatever this machine is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativePackageSet, nodeGypPackage, plainPackage, type NativeTarget } from '../../fixtures/npmPackages';
import { startNpmRegistry, type NpmRegistry } from '../../helpers/npmRegistry';

const TARGETS: NativeTarget[] = [
  { os: 'linux', cpu: 'x64', libc: 'glibc' },
  { os: 'linux', cpu: 'arm64', libc: 'glibc' },
  { os: 'darwin', cpu: 'arm64' },
];

let registry: NpmRegistry;
let work: string;

before(async () => {
  registry = await startNpmRegistry();
  work = mkdtempSync(join(tmpdir(), 'll-npm-'));
  await registry.publish(
    plainPackage('plain-b', '2.1.0'),
    plainPackage('plain-a', '1.0.0', { 'plain-b': '^2.0.0' }),
    ...nativePackageSet('@x/native', '1.0.0', TARGETS),
    nodeGypPackage('gyp-thing', '1.0.0'),
  );
});

after(async () => {
  await registry?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function project(name: string, dependencies: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, dependencies }));
  return dir;
}

function npm(dir: string, args: string[]) {
  return spawnSync('npm', args, { cwd: dir, env: registry.npmEnv(), encoding: 'utf8', timeout: 120_000 });
}

test('installs generated packages and their dependencies from the local registry', () => {
  const dir = project('plain', { 'plain-a': '^1.0.0' });
  const r = npm(dir, ['install', '--omit=dev']);
  assert.equal(r.status, 0, r.stderr);
  const b = JSON.parse(readFileSync(join(dir, 'node_modules/plain-b/package.json'), 'utf8')) as { version: string };
  assert.equal(b.version, '2.1.0');
});

test('--os/--cpu/--libc pick the arm64 Linux twin on this machine, and only it', () => {
  const dir = project('arm', { '@x/native': '1.0.0' });
  const r = npm(dir, ['install', '--omit=dev', '--os=linux', '--cpu=arm64', '--libc=glibc']);
  assert.equal(r.status, 0, r.stderr);
  const twin = join(dir, 'node_modules/@x/native-linux-arm64-gnu/native.node');
  assert.ok(existsSync(twin), 'the arm64 twin is installed');
  const elf = readFileSync(twin);
  assert.equal(elf.subarray(0, 4).toString('latin1'), '\x7fELF');
  assert.equal(elf.readUInt16LE(18), 183, 'e_machine is aarch64');
  assert.ok(!existsSync(join(dir, 'node_modules/@x/native-linux-x64-gnu')), 'no x64 twin');
  assert.ok(!existsSync(join(dir, 'node_modules/@x/native-darwin-arm64')), 'no macOS twin');
});

test('a macOS arm64 laptop (simulated with --os=darwin --cpu=arm64) gets the Mach-O twin: the trap a Lambda build avoids', () => {
  const dir = project('host', { '@x/native': '1.0.0' });
  const r = npm(dir, ['install', '--omit=dev', '--os=darwin', '--cpu=arm64']);
  assert.equal(r.status, 0, r.stderr);
  const twin = join(dir, 'node_modules/@x/native-darwin-arm64/native.node');
  assert.ok(existsSync(twin), 'a laptop build gets the Mach-O twin');
  assert.equal(readFileSync(twin).readUInt32LE(0), 0xfeedfacf);
});

test('a node-gyp package reaches the install script, which --ignore-scripts skips', () => {
  const dir = project('gyp', { 'gyp-thing': '1.0.0' });
  const r = npm(dir, ['install', '--omit=dev', '--ignore-scripts']);
  assert.equal(r.status, 0, r.stderr);
  const manifest = JSON.parse(readFileSync(join(dir, 'node_modules/gyp-thing/package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    gypfile: boolean;
  };
  assert.equal(manifest.scripts.install, 'node-gyp rebuild');
  assert.ok(existsSync(join(dir, 'node_modules/gyp-thing/binding.gyp')));
  assert.ok(!existsSync(join(dir, 'node_modules/gyp-thing/build')), 'nothing was compiled');
});
