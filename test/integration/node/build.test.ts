// Node.js layers built from package.json with npm against the real local registry (Verdaccio): layout, the
// platform twin for the target, the compatibility gate, install-time builds, lockfiles, reuse and the CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { IncompatibleFilesError, buildLayer, type BuildOptions } from '../../../src/layer/build';
import { readManifest } from '../../../src/layer/manifest';
import { UserError } from '../../../src/util/errors';
import { makeMachO } from '../../fixtures/machO';
import { nativePackageSet, nodeGypPackage, plainPackage, TWINS } from '../../fixtures/npmPackages';
import { readZip } from '../../fixtures/zipRead';
import { runCli } from '../../helpers/cli';
import { sandboxSession, withSandbox } from '../../helpers/sandbox';
import { publishLayer } from '../../../src/ops/publish';
import { isCancellation } from '../../../src/util/errors';
import { startNpmRegistry, type NpmRegistry } from '../../helpers/npmRegistry';
import { buildNodeLayer } from '../../helpers/nodeBuild';

let registry: NpmRegistry;
let work: string;
let n = 0;

before(async () => {
  registry = await startNpmRegistry();
  work = await mkdtemp(join(tmpdir(), 'll-node-build-'));
  await registry.publish(
    plainPackage('plain-b', '2.1.0'),
    plainPackage('plain-a', '1.0.0', { 'plain-b': '^2.0.0' }),
    plainPackage('dev-only', '1.0.0'),
    plainPackage('locked-dep', '1.0.0'),
    plainPackage('pnpm-locked', '1.0.0'),
    ...nativePackageSet('@x/native', '1.0.0', TWINS),
    nodeGypPackage('gyp-thing', '1.0.0'),
    {
      name: 'mac-addon',
      version: '1.0.0',
      manifest: { main: 'index.js' },
      files: { 'index.js': "module.exports = require('./addon.node');\n", 'addon.node': makeMachO({ cpu: 'arm64' }) },
    },
  );
});

after(async () => {
  await registry?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function project(manifest: Record<string, unknown>): Promise<string> {
  const dir = join(work, `p${++n}`);
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: `p${n}`, version: '1.0.0', private: true, ...manifest }),
  );
  return join(dir, 'package.json');
}

function build(sourcePath: string, architecture: string, options: BuildOptions = {}, lines: string[] = []) {
  return buildNodeLayer(sourcePath, architecture, { env: registry.npmEnv(), ...options }, lines);
}

test('production dependencies land in nodejs/node_modules with versions in the manifest; the project is untouched', async () => {
  const src = await project({
    dependencies: { 'plain-a': '^1.0.0' },
    devDependencies: { 'dev-only': '1.0.0' },
    scripts: { postinstall: 'exit 1' },
  });
  const lines: string[] = [];
  const result = await build(src, 'x86_64', {}, lines);
  const names = (await readZip(result.zipPath)).map((e) => e.name);
  assert.ok(names.includes('nodejs/node_modules/plain-a/index.js'), names.join('\n'));
  assert.ok(names.includes('nodejs/node_modules/plain-b/package.json'));
  assert.ok(!names.some((e) => e.includes('dev-only')), 'dev dependencies are omitted');
  assert.ok(!names.some((e) => /^nodejs\/(package\.json|\.npmrc)$/.test(e)), 'only node_modules goes in');
  assert.ok(names.every((e) => e.startsWith('nodejs/')));
  const m = result.manifest;
  assert.equal(m.ecosystem, 'npm');
  assert.equal(m.installer, 'npm');
  assert.equal(m.runtime, 'nodejs22.x');
  assert.equal(m.bytecode, 'none');
  const a = m.packages.find((p) => p.name === 'plain-a');
  assert.deepEqual([a?.version, a?.topLevel], ['1.0.0', ['plain-a']]);
  assert.equal(m.packages.find((p) => p.name === 'plain-b')?.version, '2.1.0');
  assert.ok(a!.size > 0);
  assert.equal(m.packageSources?.[0].url, `${registry.url}/`);
  assert.ok(
    lines.some((l) => /^npm install --omit=dev --os=linux --cpu=x64 --libc=glibc/.test(l)),
    lines.join('\n'),
  );
  assert.ok(!existsSync(join(src, '..', 'node_modules')), "the user's folder gets no node_modules");
  assert.ok(!existsSync(join(src, '..', 'package-lock.json')), 'nor a lockfile');

  // Unchanged inputs reuse the zip, even with another npm cache folder (npmEnv makes a new one per call).
  const again = await build(src, 'x86_64');
  assert.equal(again.reused, true);
  assert.equal(again.manifest.sha256, m.sha256);
  const other = await build(src, 'arm64');
  assert.equal(other.reused, false, 'another architecture is another build');
});

test('arm64 on this x64 machine: npm picks the arm64 Linux twin and the gate passes', async () => {
  const src = await project({ dependencies: { '@x/native': '1.0.0' } });
  const result = await build(src, 'arm64');
  const entries = await readZip(result.zipPath);
  const twin = entries.find((e) => e.name === 'nodejs/node_modules/@x/native-linux-arm64-gnu/native.node');
  assert.ok(twin, entries.map((e) => e.name).join('\n'));
  assert.equal(twin.data.readUInt16LE(18), 183, 'aarch64 ELF');
  assert.ok(!entries.some((e) => /native-(linux-x64|darwin)/.test(e.name)), 'no other twin');
  assert.deepEqual(result.manifest.incompatibilities, []);
  assert.ok(result.manifest.packages.some((p) => p.name === '@x/native-linux-arm64-gnu' && p.version === '1.0.0'));
});

test('a Mach-O .node is refused with its package named; allowing it keeps it with a warning', async () => {
  const src = await project({ dependencies: { 'mac-addon': '1.0.0' } });
  await assert.rejects(build(src, 'x86_64'), (e: Error) => {
    assert.ok(e instanceof IncompatibleFilesError, String(e));
    assert.equal(e.incompatibilities[0].package, 'mac-addon');
    assert.equal(e.incompatibilities[0].path, 'node_modules/mac-addon/addon.node');
    assert.match(e.message, /mac-addon.*macOS \(Mach-O\)/s);
    return true;
  });
  const allowed = await build(src, 'x86_64', { allowIncompatible: true });
  assert.equal(allowed.manifest.incompatibilities[0].package, 'mac-addon');
  assert.ok(allowed.manifest.warnings.some((w) => w.includes('mac-addon')));
});

test('a node-gyp package cannot be built for arm64 here: named, with what to do; allowed, it is a warning', async () => {
  const src = await project({ dependencies: { 'gyp-thing': '1.0.0', 'plain-b': '2.1.0' } });
  await assert.rejects(build(src, 'arm64'), (e: Error) => {
    assert.ok(e instanceof UserError, String(e));
    assert.match(e.message, /gyp-thing \(install: node-gyp rebuild\)/);
    assert.match(e.message, /prebuilt Linux binaries/);
    return true;
  });
  const allowed = await build(src, 'arm64', { allowIncompatible: true });
  assert.ok(allowed.manifest.warnings.some((w) => w.includes('gyp-thing')));
  const names = (await readZip(allowed.zipPath)).map((e) => e.name);
  assert.ok(!names.some((e) => e.includes('gyp-thing/build/')), 'nothing was compiled (scripts skipped)');
});

test('a package-lock.json means exactly the locked versions', async () => {
  const src = await project({ dependencies: { 'locked-dep': '^1.0.0' } });
  const lock = spawnSync('npm', ['install', '--package-lock-only'], {
    cwd: join(src, '..'),
    env: registry.npmEnv(),
    encoding: 'utf8',
  });
  assert.equal(lock.status, 0, lock.stderr);
  await registry.publish(plainPackage('locked-dep', '1.1.0'));
  const lines: string[] = [];
  const result = await build(src, 'x86_64', {}, lines);
  // With npm's lockfile the tarballs it names are unpacked into the zip (test/integration/node/stream.test.ts).
  assert.ok(
    lines.some((l) => l.startsWith('Unpacked 1 packages from their tarballs')),
    lines.join('\n'),
  );
  assert.equal(result.manifest.packages.find((p) => p.name === 'locked-dep')?.version, '1.0.0');
  // The lockfile is part of the key: a new lock is a new build.
  await writeFile(
    join(src, '..', 'package-lock.json'),
    (await readFile(join(src, '..', 'package-lock.json'), 'utf8')) + '\n',
  );
  assert.equal((await build(src, 'x86_64')).reused, false);
});

test('a package.json with a Python runtime (and the reverse) is refused before anything runs', async () => {
  const src = await project({ dependencies: { 'plain-a': '1.0.0' } });
  const req = join(src, '..', 'requirements.txt');
  await writeFile(req, 'requests\n');
  const request = (sourcePath: string, runtime: string) =>
    buildLayer({ sourcePath, runtime, architecture: 'x86_64', layerName: 'x', outDir: join(work, 'never') });
  await assert.rejects(request(src, 'python3.12'), /package\.json lists Node\.js packages.*Choose a Node\.js runtime/);
  await assert.rejects(request(req, 'nodejs22.x'), /nodejs22\.x is a Node\.js runtime: build it from a package\.json/);
  await assert.rejects(request(await project({}), 'nodejs22.x'), /lists no dependencies/);
  await assert.rejects(
    request(await project({ dependencies: { mine: 'file:../mine', 'plain-a': '1.0.0' } }), 'nodejs22.x'),
    /local folders.*mine \(file:\.\.\/mine\)/,
  );
  // pnpm's and Yarn's name for a sibling workspace package: a local folder too, which the staging copy cannot reach.
  await assert.rejects(
    request(await project({ dependencies: { '@m/util': 'workspace:^', 'plain-a': '1.0.0' } }), 'nodejs22.x'),
    /local folders.*@m\/util \(workspace:\^\)/,
  );
  await assert.rejects(
    request(await project({ workspaces: ['packages/*'], dependencies: { 'plain-a': '1.0.0' } }), 'nodejs22.x'),
    /declares npm workspaces/,
  );
  assert.ok(!existsSync(join(work, 'never')));
});

test('CLI: lambda-layers build package.json --runtime nodejs22.x --arch arm64', async () => {
  const src = await project({ dependencies: { '@x/native': '1.0.0' } });
  const out = join(src, '..', 'cli-out', 'native.zip');
  const r = await runCli(['build', src, '--runtime', 'nodejs22.x', '--arch', 'arm64', '--out', out], registry.npmEnv());
  assert.equal(r.code, 0, r.stderr);
  const manifestPath = r.stdout.trim();
  const m = await readManifest(manifestPath);
  assert.equal(m?.architecture, 'arm64');
  assert.ok(m?.packages.some((p) => p.name === '@x/native-linux-arm64-gnu'));
  assert.ok(existsSync(out));
});

test('a cancelled rebuild stops npm and keeps the previous zip and manifest', async () => {
  const src = await project({ dependencies: { 'plain-a': '^1.0.0' } });
  const first = await build(src, 'x86_64');
  const bytes = await readFile(first.zipPath);
  const controller = new AbortController();
  await assert.rejects(
    buildLayer(
      {
        sourcePath: src,
        runtime: 'nodejs22.x',
        architecture: 'x86_64',
        layerName: 'nodelayer',
        outDir: join(src, '..', 'out'),
        options: { env: registry.npmEnv(), force: true },
      },
      { signal: controller.signal, onInstallerSpawn: () => controller.abort() },
    ),
    (e: unknown) => isCancellation(e),
  );
  assert.ok((await readFile(first.zipPath)).equals(bytes), 'the previous zip is untouched');
  assert.equal((await readManifest(first.manifestPath))?.sha256, first.manifest.sha256);
});

test('the built zip publishes to the local endpoint for its Node.js runtime and architecture', async () => {
  const src = await project({ dependencies: { '@x/native': '1.0.0' } });
  const built = await build(src, 'arm64');
  const sandbox = await withSandbox();
  const session = sandboxSession(sandbox);
  try {
    const r = await publishLayer(session.gateway, { zipPath: built.zipPath, name: built.manifest.layerName });
    assert.equal(r.kind, 'published');
    const version = r.kind === 'published' ? r.layerVersion : undefined;
    assert.deepEqual(version?.CompatibleRuntimes, ['nodejs22.x']);
    assert.deepEqual(version?.CompatibleArchitectures, ['arm64']);
    assert.equal(version?.Content?.CodeSha256, built.manifest.codeSha256);
  } finally {
    session.dispose();
    await sandbox.close();
  }
});

test('a pnpm-lock.yaml is followed with pnpm (from PATH): the locked versions, the arm64 twin, a flat tree', async () => {
  // pnpm comes with the dev dependencies; its store and cache go to this test's folder.
  const bin = join(__dirname, '..', '..', '..', 'node_modules', '.bin');
  const env = {
    ...registry.npmEnv(),
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    XDG_DATA_HOME: join(work, 'pnpm-data'),
    XDG_CACHE_HOME: join(work, 'pnpm-cache'),
  };
  const src = await project({ dependencies: { 'pnpm-locked': '^1.0.0', '@x/native': '1.0.0' } });
  const lock = spawnSync(join(bin, 'pnpm'), ['install', '--lockfile-only'], {
    cwd: join(src, '..'),
    env,
    encoding: 'utf8',
  });
  assert.equal(lock.status, 0, lock.stdout + lock.stderr);
  await registry.publish(plainPackage('pnpm-locked', '1.1.0'));
  const lines: string[] = [];
  const result = await build(src, 'arm64', { env }, lines);
  assert.equal(result.manifest.installer, 'pnpm');
  assert.ok(
    lines.some((l) => l.startsWith('pnpm install --prod --frozen-lockfile --ignore-scripts')),
    lines.join('\n'),
  );
  assert.equal(result.manifest.packages.find((p) => p.name === 'pnpm-locked')?.version, '1.0.0');
  const names = (await readZip(result.zipPath)).map((e) => e.name);
  assert.ok(names.includes('nodejs/node_modules/@x/native-linux-arm64-gnu/native.node'), names.join('\n'));
  assert.ok(names.includes('nodejs/node_modules/pnpm-locked/index.js'), 'hoisted: packages at the top, no .pnpm links');
  assert.ok(!names.some((e) => /native-(linux-x64|darwin)/.test(e)));
  assert.deepEqual(result.manifest.incompatibilities, []);
  assert.ok(!existsSync(join(src, '..', 'node_modules')), "the user's folder gets no node_modules");

  // Without pnpm on PATH the build says what to do instead of installing with npm.
  const noPnpm = { ...env, PATH: dirname(process.execPath) };
  await assert.rejects(build(src, 'arm64', { env: noPnpm, force: true }), /pnpm is not on PATH.*npm install -g pnpm/);
});
