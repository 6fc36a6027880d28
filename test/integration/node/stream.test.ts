// With a package-lock.json, the Node.js build unpacks the lockfile's tarballs straight into the zip. These tests hold
// it to what npm itself installs (`npm ci --omit=dev --os=linux --cpu=… --libc=glibc` run beside it on the same
// registry), and check integrity, credentials, the tarball cache and the cases npm must still handle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildOptions } from '../../../src/layer/build';
import type { LockEntry } from '../../../src/layer/node/lockPlan';
import { buildNodeLayer } from '../../helpers/nodeBuild';
import { BuildCache } from '../../../src/layer/buildCache';
import { existsSync } from 'node:fs';
import { nativePackageSet, plainPackage, TWINS, type NpmPackage } from '../../fixtures/npmPackages';
import { readZip } from '../../fixtures/zipRead';
import { startNpmRegistry, type NpmRegistry } from '../../helpers/npmRegistry';

let registry: NpmRegistry;
let work: string;
let n = 0;

const withBin: NpmPackage = {
  name: 'tool-pkg',
  version: '1.0.0',
  manifest: { main: 'index.js', bin: { 'tool-cli': 'bin/cli.js' } },
  files: { 'index.js': 'module.exports = 1;\n', 'bin/cli.js': '#!/usr/bin/env node\nconsole.log(1);\n' },
};
const bundler: NpmPackage = {
  name: 'bundler',
  version: '1.0.0',
  manifest: { main: 'index.js', dependencies: { inner: '1.0.0' }, bundleDependencies: ['inner'] },
  files: {
    'index.js': "module.exports = require('inner');\n",
    'node_modules/inner/package.json': JSON.stringify({
      name: 'inner',
      version: '1.0.0',
      main: 'i.js',
      bin: { 'inner-cli': 'cli.js' },
    }),
    'node_modules/inner/i.js': 'module.exports = "inner";\n',
    'node_modules/inner/cli.js': '#!/usr/bin/env node\r\n',
  },
};
// As some tools pack: a CRLF hashbang (npm rewrites it on the bins it links), a .gitignore (npm extracts it as
// .npmignore), a file where a later entry wants a folder, and a command tool-pkg already claims (npm links the
// first package's and leaves this file as packed).
const oddlyPacked: NpmPackage = {
  name: 'x-odd',
  version: '1.0.0',
  manifest: { main: 'index.js', bin: { odd: 'odd.js', 'tool-cli': 'cli.js' } },
  files: {
    'index.js': 'module.exports = 2;\n',
    'odd.js': '#!/usr/bin/env node\r\nconsole.log(2);\r\n',
    'cli.js': '#!/usr/bin/env node\r\n',
    '.gitignore': 'node_modules\n',
    lib: 'a file',
    'lib/a.js': 'under a file',
  },
};

before(async () => {
  registry = await startNpmRegistry();
  work = await mkdtemp(join(tmpdir(), 'll-node-stream-'));
  await registry.publish(
    plainPackage('s-b', '1.0.0'),
    plainPackage('s-b', '2.0.0'),
    plainPackage('s-a', '1.0.0', { 's-b': '^2.0.0' }),
    plainPackage('s-c', '1.0.0', { 's-b': '^1.0.0' }),
    plainPackage('s-dev', '1.0.0'),
    plainPackage('@private/secret', '1.0.0'),
    withBin,
    oddlyPacked,
    bundler,
    ...nativePackageSet('@y/native', '1.0.0', TWINS),
    { ...plainPackage('s-scripted', '1.0.0'), manifest: { main: 'index.js', scripts: { postinstall: 'node -e 0' } } },
  );
});

after(async () => {
  await registry?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A project with its lockfile, as `npm install --package-lock-only` writes it against the registry. */
async function lockedProject(manifest: Record<string, unknown>): Promise<string> {
  const dir = join(work, `p${++n}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `p${n}`, version: '1.0.0', ...manifest }));
  const lock = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts'], {
    cwd: dir,
    env: registry.npmEnv(),
    encoding: 'utf8',
  });
  assert.equal(lock.status, 0, lock.stderr);
  return join(dir, 'package.json');
}

function build(sourcePath: string, architecture: string, options: BuildOptions = {}, lines: string[] = []) {
  const defaults = { env: registry.npmEnv(), cacheDirectory: join(work, 'cache') };
  return buildNodeLayer(sourcePath, architecture, { ...defaults, ...options }, lines, 'streamed');
}

const STREAMED = /^Unpacked \d+ packages from their tarballs into the layer/;

/** What npm itself installs for the target: path → [bytes, executable] or ['-> link']. */
async function npmInstalled(sourcePath: string, cpu: string): Promise<Map<string, string>> {
  const dir = join(work, `npm${++n}`);
  await mkdir(dir);
  await cp(sourcePath, join(dir, 'package.json'));
  await cp(join(sourcePath, '..', 'package-lock.json'), join(dir, 'package-lock.json'));
  const ci = spawnSync('npm', ['ci', '--omit=dev', '--os=linux', `--cpu=${cpu}`, '--libc=glibc', '--ignore-scripts'], {
    cwd: dir,
    env: registry.npmEnv(),
    encoding: 'utf8',
  });
  assert.equal(ci.status, 0, ci.stderr);
  const tree = new Map<string, string>();
  const walk = async (rel: string) => {
    for (const name of await readdir(join(dir, rel))) {
      const path = `${rel}/${name}`;
      const st = await lstat(join(dir, path));
      if (st.isDirectory()) await walk(path);
      else if (st.isSymbolicLink()) tree.set(path, `-> ${await readlink(join(dir, path))}`);
      else if (path !== 'node_modules/.package-lock.json')
        tree.set(path, `${(st.mode & 0o111) !== 0 ? 'x ' : ''}${(await readFile(join(dir, path))).toString('base64')}`);
    }
  };
  await walk('node_modules');
  return tree;
}

async function zipped(zipPath: string): Promise<Map<string, string>> {
  const tree = new Map<string, string>();
  for (const e of await readZip(zipPath)) {
    if (e.name.endsWith('/')) continue;
    const path = e.name.slice('nodejs/'.length);
    const kind = e.mode & 0o170000;
    tree.set(
      path,
      kind === 0o120000
        ? `-> ${e.data.toString()}`
        : `${(e.mode & 0o111) !== 0 ? 'x ' : ''}${e.data.toString('base64')}`,
    );
  }
  return tree;
}

test('the streamed layer holds exactly what npm ci installs for the target, on x64 and arm64', async () => {
  const src = await lockedProject({
    dependencies: {
      's-a': '^1.0.0',
      's-c': '^1.0.0',
      'tool-pkg': '1.0.0',
      'x-odd': '1.0.0',
      bundler: '1.0.0',
      '@y/native': '1.0.0',
      '@private/secret': '1.0.0',
    },
    devDependencies: { 's-dev': '1.0.0' },
  });
  for (const [architecture, cpu] of [
    ['x86_64', 'x64'],
    ['arm64', 'arm64'],
  ]) {
    const lines: string[] = [];
    const result = await build(src, architecture, { force: true }, lines);
    assert.ok(
      lines.some((l) => STREAMED.test(l)),
      lines.join('\n'),
    );
    assert.ok(!lines.some((l) => l.startsWith('npm ci')), 'npm did not install');
    const ours = await zipped(result.zipPath);
    const theirs = await npmInstalled(src, cpu);
    assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
    for (const [path, value] of theirs) assert.equal(ours.get(path), value, path);
    // The nested major, the target's twin, the bundled dependency, the bin link, the private package.
    assert.ok(ours.has('node_modules/s-c/node_modules/s-b/package.json'));
    assert.ok(ours.has(`node_modules/@y/native-linux-${cpu}-gnu/native.node`));
    assert.ok(![...ours.keys()].some((p) => p.includes('darwin') || p.includes('s-dev')));
    assert.ok(ours.has('node_modules/bundler/node_modules/inner/i.js'));
    assert.equal(ours.get('node_modules/.bin/tool-cli'), '-> ../tool-pkg/bin/cli.js');
    assert.ok(ours.has('node_modules/x-odd/.npmignore') && ours.has('node_modules/x-odd/lib'));
    assert.equal(ours.get('node_modules/bundler/node_modules/.bin/inner-cli'), '-> ../inner/cli.js');
    const m = result.manifest;
    assert.equal(m.packages.find((p) => p.name === 's-b' && p.version === '1.0.0')?.files, 2);
    assert.deepEqual(
      m.packages
        .filter((p) => p.topLevel.length > 0)
        .map((p) => p.name)
        .sort(),
      ['@private/secret', '@y/native', 'bundler', 's-a', 's-c', 'tool-pkg', 'x-odd'],
    );
    assert.deepEqual(m.incompatibilities, []);
  }
});

test('tarballs are checked against the lockfile and kept in the build cache; offline, the cache builds', async () => {
  const src = await lockedProject({ dependencies: { 's-a': '1.0.0' } });
  const lockPath = join(src, '..', 'package-lock.json');
  const good = await readFile(lockPath, 'utf8');
  const cacheDirectory = join(work, `cache${++n}`);
  const first = await build(src, 'x86_64', { cacheDirectory });
  const cached = await readdir(join(cacheDirectory, 'tarballs'));
  assert.equal(cached.filter((f) => f.endsWith('.tgz')).length, 2);

  // The registry gone (nothing listens on the lockfile's URLs): the cached tarballs still build the same zip.
  await writeFile(lockPath, good.replaceAll(registry.url, 'http://127.0.0.1:9'));
  const lines: string[] = [];
  const offline = await build(src, 'x86_64', { cacheDirectory, force: true }, lines);
  assert.ok(
    lines.some((l) => STREAMED.test(l)),
    lines.join('\n'),
  );
  assert.equal(offline.manifest.sha256, first.manifest.sha256);
  await rm(cacheDirectory, { recursive: true });
  await assert.rejects(
    build(src, 'x86_64', { cacheDirectory, force: true }),
    /Could not download http:\/\/127\.0\.0\.1:9\/s-/,
  );
  assert.equal((await readZip(first.zipPath)).length > 0, true, 'the previous zip is still there and whole');

  // What npm fetched before is in npm's cache: npm ci installs offline from it, and so does the build.
  const env = registry.npmEnv();
  const warm = join(work, `warm${++n}`);
  await mkdir(warm);
  await cp(src, join(warm, 'package.json'));
  await writeFile(join(warm, 'package-lock.json'), good);
  assert.equal(spawnSync('npm', ['ci', '--ignore-scripts'], { cwd: warm, env, encoding: 'utf8' }).status, 0);
  const fromNpm = await build(src, 'x86_64', { cacheDirectory: join(work, `cache${++n}`), force: true, env });
  assert.equal(fromNpm.manifest.sha256, first.manifest.sha256);

  // Bytes that are not what the lockfile recorded: refused, named, and never cached.
  const tampered = JSON.parse(good) as { packages: Record<string, { integrity?: string }> };
  tampered.packages['node_modules/s-b'].integrity = `sha512-${Buffer.alloc(64).toString('base64')}`;
  await writeFile(lockPath, JSON.stringify(tampered));
  await assert.rejects(
    build(src, 'x86_64', { cacheDirectory, force: true }),
    /The tarball of s-b@2\.0\.0 from http:\/\/127\.0\.0\.1:\d+\/s-b\/-\/s-b-2\.0\.0\.tgz does not match the integrity in package-lock\.json/,
  );
  assert.ok(!existsSync(new BuildCache(cacheDirectory).tarballPath(tampered.packages['node_modules/s-b'].integrity!)));
});

test("a private registry's token comes from npm's settings; without it the refusal says what to do", async () => {
  const src = await lockedProject({ dependencies: { '@private/secret': '1.0.0' } });
  const ok = await build(src, 'x86_64');
  assert.ok((await readZip(ok.zipPath)).some((e) => e.name === 'nodejs/node_modules/@private/secret/index.js'));
  const anonymous = join(work, 'anonymous-npmrc');
  await writeFile(anonymous, `registry=${registry.url}/\n`);
  await assert.rejects(
    build(src, 'x86_64', {
      force: true,
      cacheDirectory: join(work, `cache${++n}`),
      env: { ...registry.npmEnv(), npm_config_userconfig: anonymous },
    }),
    /The registry refused .*@private\/secret.* \(HTTP 40[13]\)\. Log in to it/,
  );
});

test('what only npm can do is left to npm, and the log says why: install scripts, no lockfile, a proxy', async () => {
  const scripted = await lockedProject({ dependencies: { 's-scripted': '1.0.0' } });
  const lines: string[] = [];
  await build(scripted, 'x86_64', {}, lines);
  assert.ok(
    lines.some((l) => /^npm installs the packages: .*s-scripted.*install scripts/.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.startsWith('npm ci --omit=dev --os=linux --cpu=x64 --libc=glibc')),
    lines.join('\n'),
  );

  const proxied = await lockedProject({ dependencies: { 's-a': '1.0.0' } });
  const proxyLines: string[] = [];
  // npm reads the proxy from its settings; 'noproxy' keeps its own loopback requests direct, so npm still installs.
  const env = {
    ...registry.npmEnv(),
    npm_config_https_proxy: 'http://127.0.0.1:9',
    npm_config_proxy: 'http://127.0.0.1:9',
    npm_config_noproxy: '127.0.0.1',
  };
  await build(proxied, 'x86_64', { env }, proxyLines);
  assert.ok(
    proxyLines.some((l) => /^npm installs the packages: the (https-)?proxy setting/.test(l)),
    proxyLines.join('\n'),
  );
});

test('without a lockfile npm only resolves one in the staging copy, and its tarballs are unpacked', async () => {
  const dir = join(work, `p${++n}`);
  await mkdir(dir, { recursive: true });
  const src = join(dir, 'package.json');
  await writeFile(
    src,
    JSON.stringify({ name: 'nolock', version: '1.0.0', dependencies: { 's-a': '^1.0.0', '@y/native': '1.0.0' } }),
  );
  const lines: string[] = [];
  const result = await build(src, 'arm64', {}, lines);
  assert.ok(
    lines.some((l) => /^npm install --omit=dev --os=linux --cpu=arm64 --libc=glibc .*--package-lock-only/.test(l)),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => STREAMED.test(l)),
    lines.join('\n'),
  );
  const names = (await readZip(result.zipPath)).map((e) => e.name);
  assert.ok(names.includes('nodejs/node_modules/@y/native-linux-arm64-gnu/native.node'), names.join('\n'));
  assert.ok(names.includes('nodejs/node_modules/s-b/index.js'));
  assert.deepEqual((await readdir(dir)).sort(), ['out', 'package.json'], 'the project folder gets no lockfile');
});

test('a lockfile entry that no longer satisfies what asks for it goes to npm ci, whose reason the refusal carries', async () => {
  const src = await lockedProject({ dependencies: { 's-a': '1.0.0', 's-b': '^1.0.0' } });
  const lockPath = join(src, '..', 'package-lock.json');
  // The root's spec and package.json agree (as after a careless merge); the entry was left at 1.0.0.
  const lock = JSON.parse(await readFile(lockPath, 'utf8')) as { packages: Record<string, LockEntry> };
  lock.packages[''].dependencies!['s-b'] = '^2.0.0';
  await writeFile(lockPath, JSON.stringify(lock));
  await writeFile(
    src,
    JSON.stringify({ name: 'stale', version: '1.0.0', dependencies: lock.packages[''].dependencies }),
  );
  const lines: string[] = [];
  const refused = await build(src, 'x86_64', {}, lines).then(
    () => assert.fail('built from a stale lockfile'),
    (e: Error) => e.message,
  );
  assert.ok(
    lines.some((l) => l.startsWith('npm installs the packages: the lockfile has s-b@1.0.0 at node_modules/s-b')),
    lines.join('\n'),
  );
  // npm's own reason, not the usage text npm prints after it.
  assert.match(refused, /^npm ci failed \(exit code 1\)\. If package\.json and package-lock\.json disagree/);
  assert.match(refused, /Invalid: lock file's s-b@1\.0\.0 does not satisfy s-b@2\.0\.0/);
  assert.doesNotMatch(refused, /--install-links|Usage:/);
});

test('an optional package whose tarball is gone or not what the lockfile says is left to npm ci, which leaves it out', async () => {
  for (const spoil of [
    (e: LockEntry) => void (e.resolved = e.resolved!.replace('/s-b-1.0.0.tgz', '/s-b-9.9.9.tgz')),
    (e: LockEntry) => void (e.integrity = `sha512-${Buffer.alloc(64).toString('base64')}`),
  ]) {
    const src = await lockedProject({ dependencies: { 's-a': '1.0.0' }, optionalDependencies: { 's-b': '1.0.0' } });
    const lockPath = join(src, '..', 'package-lock.json');
    const lock = JSON.parse(await readFile(lockPath, 'utf8')) as { packages: Record<string, LockEntry> };
    spoil(lock.packages['node_modules/s-b']);
    await writeFile(lockPath, JSON.stringify(lock));
    const lines: string[] = [];
    const cacheDirectory = join(work, `cache${++n}`);
    const result = await build(src, 'x86_64', { cacheDirectory }, lines);
    assert.ok(
      lines.some((l) => /^npm installs the packages: the optional package s-b@1\.0\.0 could not be fetched/.test(l)),
      lines.join('\n'),
    );
    const names = (await readZip(result.zipPath)).map((e) => e.name);
    assert.ok(names.includes('nodejs/node_modules/s-a/index.js'), names.join('\n'));
    assert.ok(!names.some((name) => name.startsWith('nodejs/node_modules/s-b/')), names.join('\n'));
    assert.ok(!existsSync(new BuildCache(cacheDirectory).tarballPath(lock.packages['node_modules/s-b'].integrity!)));
    assert.ok(
      result.manifest.warnings.some((w) => /^The optional package s-b@1\.0\.0 is not in the layer/.test(w)),
      result.manifest.warnings.join('\n'),
    );
  }
});
