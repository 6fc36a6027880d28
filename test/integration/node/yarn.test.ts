// yarn.lock projects against the real local registry (Verdaccio): Yarn 4 (@yarnpkg/cli-dist) and Yarn Classic
// (yarn 1.22) from the dev dependencies, each put on PATH as a user's global yarn would be.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { buildLayer } from '../../../src/layer/build';
import { silentLog } from '../../../src/util/log';
import { nativePackageSet, plainPackage } from '../../fixtures/npmPackages';
import { readZip } from '../../fixtures/zipRead';
import { startNpmRegistry, type NpmRegistry } from '../../helpers/npmRegistry';

let registry: NpmRegistry;
let work: string;
let n = 0;

before(async () => {
  registry = await startNpmRegistry();
  work = await mkdtemp(join(tmpdir(), 'll-node-yarn-'));
  await registry.publish(
    plainPackage('yarn-locked', '1.0.0'),
    plainPackage('yarn-dev', '1.0.0'),
    ...nativePackageSet('@x/native', '1.0.0', [
      { os: 'linux', cpu: 'x64', libc: 'glibc' },
      { os: 'linux', cpu: 'arm64', libc: 'glibc' },
      { os: 'darwin', cpu: 'arm64' },
    ]),
  );
});

after(async () => {
  await registry?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A folder holding only `yarn`, linked to the given release's entry point. */
async function yarnBin(name: string, entry: string): Promise<string> {
  const dir = join(work, `bin-${name}`);
  await mkdir(dir, { recursive: true });
  await symlink(require.resolve(entry), join(dir, 'yarn'));
  return dir;
}

/** The registry's environment plus Yarn's own settings: Berry ignores npm's registry, and caches go here. */
function yarnEnv(bin: string): NodeJS.ProcessEnv {
  return {
    ...registry.npmEnv(),
    PATH: `${bin}${delimiter}${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    YARN_NPM_REGISTRY_SERVER: registry.url,
    // A loopback http registry is refused by Yarn Berry unless listed; only tests need it.
    YARN_UNSAFE_HTTP_WHITELIST: '127.0.0.1',
    YARN_GLOBAL_FOLDER: join(work, 'yarn-global'),
    YARN_CACHE_FOLDER: join(work, 'yarn-cache'),
    YARN_ENABLE_TELEMETRY: '0',
    // Yarn 4.10+ holds back versions published in the last day (npmMinimalAgeGate); these were published just now.
    YARN_NPM_MINIMAL_AGE_GATE: '0',
    YARN_ENABLE_GLOBAL_CACHE: 'true',
  };
}

/** A project whose yarn.lock yarn itself wrote (in another folder, so the project gets no node_modules). */
async function lockedProject(bin: string, manifest: Record<string, unknown>, lockArgs: string[]): Promise<string> {
  const dir = join(work, `p${++n}`);
  const scratch = join(work, `lock${n}`);
  for (const d of [dir, scratch]) {
    await mkdir(d, { recursive: true });
    await writeFile(
      join(d, 'package.json'),
      JSON.stringify({ name: `p${n}`, version: '1.0.0', private: true, ...manifest }),
    );
  }
  const r = spawnSync(join(bin, 'yarn'), lockArgs, { cwd: scratch, env: yarnEnv(bin), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  await copyFile(join(scratch, 'yarn.lock'), join(dir, 'yarn.lock'));
  return join(dir, 'package.json');
}

function build(sourcePath: string, architecture: string, env: NodeJS.ProcessEnv, lines: string[] = [], force = true) {
  return buildLayer(
    {
      sourcePath,
      runtime: 'nodejs22.x',
      architecture,
      layerName: 'yarnlayer',
      outDir: join(sourcePath, '..', 'out'),
      options: { env, force },
    },
    { log: { ...silentLog, info: (m) => lines.push(m), warn: (m) => lines.push(m) } },
  );
}

test('Yarn 4 follows yarn.lock: the locked version, the arm64 twin on this x64 host, node_modules of real files, no dev dependencies', async () => {
  const bin = await yarnBin('berry', '@yarnpkg/cli-dist/bin/yarn.js');
  const env = yarnEnv(bin);
  const src = await lockedProject(
    bin,
    { dependencies: { 'yarn-locked': '^1.0.0', '@x/native': '1.0.0' }, devDependencies: { 'yarn-dev': '1.0.0' } },
    ['install', '--mode=update-lockfile'],
  );
  await registry.publish(plainPackage('yarn-locked', '1.1.0'));
  // The registry comes from the project's .yarnrc.yml this time (the user's settings are kept; PnP is not).
  await writeFile(
    join(dirname(src), '.yarnrc.yml'),
    `nodeLinker: pnp\nnpmRegistryServer: "${registry.url}"\nunsafeHttpWhitelist:\n  - 127.0.0.1\n`,
  );
  const buildEnv = { ...env };
  delete buildEnv.YARN_NPM_REGISTRY_SERVER;
  delete buildEnv.YARN_UNSAFE_HTTP_WHITELIST;
  const lines: string[] = [];
  const result = await build(src, 'arm64', buildEnv, lines);
  assert.equal(result.manifest.installer, 'yarn');
  assert.ok(lines.includes('yarn workspaces focus --production'), lines.join('\n'));
  assert.deepEqual(result.manifest.packageSources?.[0], { kind: 'index', url: registry.url, from: '.yarnrc.yml' });
  assert.equal(result.manifest.packages.find((p) => p.name === 'yarn-locked')?.version, '1.0.0', 'the locked version');
  const entries = await readZip(result.zipPath);
  const names = entries.map((e) => e.name);
  assert.ok(names.includes('nodejs/node_modules/@x/native-linux-arm64-gnu/native.node'), names.join('\n'));
  assert.ok(names.includes('nodejs/node_modules/yarn-locked/index.js'));
  assert.ok(!names.some((e) => /native-(linux-x64|darwin)/.test(e)), 'only the arm64 twin');
  assert.ok(!names.some((e) => e.includes('yarn-dev')), 'dev dependencies are left out');
  assert.ok(!names.some((e) => /\.pnp\.c?js|\.yarn\//.test(e)), "no Plug'n'Play files");
  assert.deepEqual(result.manifest.incompatibilities, []);
  const dir = dirname(src);
  assert.ok(!existsSync(join(dir, 'node_modules')) && !existsSync(join(dir, '.pnp.cjs')), 'the project is untouched');
  for (const e of entries) assert.notEqual(e.mode & 0o170000, 0o120000, `${e.name} is a file, not a link`);

  // Same lockfile, settings and Yarn: the zip is reused; another Yarn setting is another build.
  assert.equal((await build(src, 'arm64', buildEnv, [], false)).reused, true);
  const changed = { ...buildEnv, YARN_NPM_AUTH_IDENT: 'someone:secret' };
  assert.equal((await build(src, 'arm64', changed, [], false)).reused, false);
});

test('Yarn Classic builds on a host that is the target and refuses another architecture with what to do', async () => {
  const bin = await yarnBin('classic', 'yarn/bin/yarn.js');
  const env = yarnEnv(bin);
  const src = await lockedProject(bin, { dependencies: { 'yarn-locked': '^1.0.0', '@x/native': '1.0.0' } }, [
    'install',
    '--ignore-scripts',
    '--no-progress',
  ]);
  if (process.platform === 'linux' && process.arch === 'x64') {
    const lines: string[] = [];
    const result = await build(src, 'x86_64', env, lines);
    assert.equal(result.manifest.installer, 'yarn');
    assert.ok(lines.includes('yarn install --production --frozen-lockfile --non-interactive'), lines.join('\n'));
    const names = (await readZip(result.zipPath)).map((e) => e.name);
    assert.ok(names.includes('nodejs/node_modules/@x/native-linux-x64-gnu/native.node'), names.join('\n'));
    assert.ok(names.includes('nodejs/node_modules/yarn-locked/index.js'));
  }
  const other = process.arch === 'arm64' ? 'x86_64' : 'arm64';
  await assert.rejects(build(src, other, env), /Yarn Classic.*Build on Linux.*npm install --package-lock-only/s);
});

test('without yarn on PATH a yarn.lock build says how to get it instead of installing with npm', async () => {
  const dir = join(work, 'noyarn');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'noyarn', dependencies: { 'yarn-locked': '1.0.0' } }),
  );
  await writeFile(join(dir, 'yarn.lock'), '# yarn lockfile v1\n');
  const env = { ...registry.npmEnv(), PATH: dirname(process.execPath) };
  await assert.rejects(build(join(dir, 'package.json'), 'x86_64', env), /yarn is not on PATH.*corepack enable/);
  assert.ok(!(await lstat(join(dir, 'out')).catch(() => undefined)), 'nothing was built');
});
