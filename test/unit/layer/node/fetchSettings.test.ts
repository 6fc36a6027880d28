import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-stream';
import {
  fetchSettings,
  parseNpmrc,
  replaceRegistryHost,
  type FetchSettings,
} from '../../../../src/layer/node/fetchSettings';
import {
  TarballTooLarge,
  matchesIntegrity,
  npmCacheContentPaths,
  packagePath,
  tarballFiles,
} from '../../../../src/layer/node/tarball';
import { binLinks, linkedBins, packageFiles, streamInstall } from '../../../../src/layer/node/streamInstall';
import { BuildCache } from '../../../../src/layer/buildCache';
import type { LayerFile } from '../../../../src/layer/content';
import type { PlannedPackage } from '../../../../src/layer/node/lockPlan';

function settings(config: Record<string, unknown>, npmrc = '', env: NodeJS.ProcessEnv = {}): FetchSettings {
  const s = fetchSettings(config, [{ path: '/p/.npmrc', text: npmrc }], env);
  assert.ok(!('npmNeeded' in s), 'npmNeeded' in s ? s.npmNeeded : '');
  return s;
}

test("tarball URLs follow npm's replace-registry-host", () => {
  const npmjs = 'https://registry.npmjs.org/a/-/a-1.0.0.tgz';
  assert.equal(
    replaceRegistryHost(npmjs, 'https://mirror.example/npm/', 'npmjs'),
    'https://mirror.example/npm/a/-/a-1.0.0.tgz',
  );
  assert.equal(replaceRegistryHost(npmjs, 'https://mirror.example/', 'never'), npmjs);
  assert.equal(
    replaceRegistryHost('https://other.example/a/-/a-1.0.0.tgz', 'https://mirror.example/', 'npmjs'),
    'https://other.example/a/-/a-1.0.0.tgz',
  );
  assert.equal(
    replaceRegistryHost('https://other.example/a/-/a-1.0.0.tgz', 'https://mirror.example/', 'always'),
    'https://mirror.example/a/-/a-1.0.0.tgz',
  );
  assert.equal(
    replaceRegistryHost('https://other.example/a/-/a-1.0.0.tgz', 'https://mirror.example/', 'other.example'),
    'https://mirror.example/a/-/a-1.0.0.tgz',
  );
  // Scoped registries decide for their scope.
  const s = settings({ registry: 'https://mirror.example/', '@corp:registry': 'https://corp.example/npm' });
  assert.equal(
    s.tarballUrl('https://registry.npmjs.org/@corp/x/-/x-1.0.0.tgz', '@corp/x'),
    'https://corp.example/npm/@corp/x/-/x-1.0.0.tgz',
  );
  assert.equal(s.tarballUrl(npmjs, 'a'), 'https://mirror.example/a/-/a-1.0.0.tgz');
});

test('credentials: the longest matching //host/path/ of the npmrc files, variables expanded', () => {
  const npmrc = [
    '; comment',
    '//corp.example/npm/:_authToken=${CORP_TOKEN}',
    '//corp.example/:_authToken=host-wide',
    '//basic.example/:username=me',
    `//basic.example/:_password=${Buffer.from('pw').toString('base64')}`,
    '//auth.example/:_auth="dXNlcjpwYXNz"',
  ].join('\n');
  const s = settings({}, npmrc, { CORP_TOKEN: 'secret-1' });
  assert.equal(s.authorization('https://corp.example/npm/a/-/a-1.0.0.tgz'), 'Bearer secret-1');
  assert.equal(s.authorization('https://corp.example/other/a.tgz'), 'Bearer host-wide');
  assert.equal(s.authorization('https://basic.example/a/-/a.tgz'), `Basic ${Buffer.from('me:pw').toString('base64')}`);
  assert.equal(s.authorization('https://auth.example/a.tgz'), 'Basic dXNlcjpwYXNz');
  assert.equal(s.authorization('https://elsewhere.example/a.tgz'), undefined);
  // The first file (the project's) wins over the user's.
  const two = fetchSettings(
    {},
    [
      { path: 'project', text: '//r.example/:_authToken=project' },
      { path: 'user', text: '//r.example/:_authToken=user' },
    ],
    {},
  );
  assert.ok(!('npmNeeded' in two));
  assert.equal(two.authorization('https://r.example/a.tgz'), 'Bearer project');
  assert.deepEqual(parseNpmrc('a = "x"\n# c\nb=${NOPE?}\nc=\\${KEEP}', {}), [
    ['a', 'x'],
    ['b', ''],
    ['c', '${KEEP}'],
  ]);
});

test('settings the streamed install does not implement leave the install to npm', () => {
  const need = (config: Record<string, unknown>, npmrc = '') => {
    const s = fetchSettings(config, [{ path: 'x', text: npmrc }], {});
    assert.ok('npmNeeded' in s);
    return s.npmNeeded;
  };
  assert.match(need({ 'https-proxy': 'http://proxy:3128' }), /https-proxy/);
  assert.match(need({ proxy: 'http://proxy:3128' }), /proxy/);
  assert.match(need({ offline: true }), /offline/);
  assert.match(need({ 'install-strategy': 'linked' }), /linked/);
  assert.match(need({ include: ['dev'] }), /include=dev/);
  assert.match(need({ cert: 'PEM' }), /client certificate/);
  assert.match(need({}, '//r.example/:certfile=/x.pem'), /client certificate/);
  assert.match(need({}, '_authToken=abc'), /without a registry/);
  const s = settings({ 'strict-ssl': false, maxsockets: 50, 'fetch-retries': 1, 'bin-links': false, ca: 'PEM' });
  assert.deepEqual([s.rejectUnauthorized, s.concurrency, s.retries, s.binLinks, s.ca], [false, 16, 1, false, ['PEM']]);
});

async function tgz(
  entries: { name: string; body?: string; mode?: number; type?: 'file' | 'symlink' | 'directory'; linkname?: string }[],
) {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => p.on('end', () => r()));
  for (const e of entries)
    p.entry({ name: e.name, mode: e.mode ?? 0o644, type: e.type ?? 'file', linkname: e.linkname }, e.body ?? '');
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

test('a tarball unpacks as npm installs it: first folder dropped, links and escapes left out, bins executable', async () => {
  const bytes = await tgz([
    { name: 'package/package.json', body: '{"name":"a"}' },
    { name: 'package/lib/a.js', body: 'old' },
    { name: 'package/lib/a.js', body: 'new' },
    { name: 'package/bin/cli.js', body: '#!/usr/bin/env node' },
    { name: 'package/run.sh', body: 'echo', mode: 0o755 },
    { name: 'package/link', type: 'symlink', linkname: '/etc/passwd' },
    { name: 'package/../../escape.js', body: 'x' },
    { name: '/abs.js', body: 'x' },
    { name: 'package/x', body: 'file where a folder goes' },
    { name: 'package/x/y.js', body: 'y' },
  ]);
  const files = await tarballFiles(bytes);
  const byPath = Object.fromEntries(files.map((f) => [f.path, f]));
  // "/abs.js" loses its first segment (""), as node-tar's strip does, and lands inside the package.
  assert.deepEqual(Object.keys(byPath).sort(), ['abs.js', 'bin/cli.js', 'lib/a.js', 'package.json', 'run.sh', 'x']);
  assert.equal(byPath['lib/a.js'].data.toString(), 'new');
  assert.equal(byPath['run.sh'].executable, true);
  assert.equal(byPath['package.json'].executable, false);
  assert.equal(packagePath('package'), undefined);
  assert.equal(packagePath('other-top/lib/a.js'), 'lib/a.js');
});

// Each case below was checked against npm 11's own extraction (pacote + node-tar with strip: 1) on Linux.
test('tarball entry paths land where npm puts them: first segment dropped, then any root; ".." refused', () => {
  assert.equal(packagePath('C:/x/y'), 'x/y');
  assert.equal(packagePath('/tmp/evil.js'), 'tmp/evil.js');
  assert.equal(packagePath('//package/v.js'), 'package/v.js');
  assert.equal(packagePath('package/C:/w.js'), 'w.js');
  assert.equal(packagePath('./package/a.js'), 'package/a.js');
  assert.equal(packagePath('../z.js'), 'z.js');
  assert.equal(packagePath('package//x.js'), 'x.js');
  assert.equal(packagePath('package/./y.js'), 'y.js');
  assert.equal(packagePath('package/a/../b.js'), undefined);
  assert.equal(packagePath('package/../x.js'), undefined);
  assert.equal(packagePath('package//../x.js'), undefined);
  assert.equal(packagePath('single.js'), undefined);
  assert.equal(packagePath('package/.'), undefined);
});

test('a tarball keeps the first of a file and a folder at one path, and turns .gitignore into .npmignore', async () => {
  const files = await tarballFiles(
    await tgz([
      { name: 'package/lib/a.js', body: 'a' },
      { name: 'package/lib', body: 'file after the folder' },
      { name: 'package/x', body: 'first' },
      { name: 'package/x/y.js', body: 'file under a file' },
      { name: 'package/x', body: 'second' },
      // npm pack treats .gitignore as .npmignore, so npm extracts it under that name unless one came first.
      { name: 'package/.gitignore', body: 'g' },
      { name: 'package/sub/.npmignore', body: 'n' },
      { name: 'package/sub/.gitignore', body: 'dropped' },
    ]),
  );
  assert.deepEqual(Object.fromEntries(files.map((f) => [f.path, f.data.toString()])), {
    'lib/a.js': 'a',
    x: 'second',
    '.npmignore': 'g',
    'sub/.npmignore': 'n',
  });
});

test('an uncompressed tarball unpacks as npm unpacks it (node-tar reads gzip only when it sees gzip)', async () => {
  const gz = await tgz([{ name: 'package/index.js', body: 'x' }]);
  const files = await tarballFiles(gunzipSync(gz));
  assert.deepEqual(
    files.map((f) => [f.path, f.data.toString()]),
    [['index.js', 'x']],
  );
});

test("a tarball that is not an archive (truncated, or anything else) is refused with the package's name", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-tarball-'));
  try {
    const good = await tgz([{ name: 'package/index.js', body: 'x'.repeat(4000) }]);
    for (const [bytes, problem] of [
      [good.subarray(0, good.length - 30), /unexpected end of file/],
      [Buffer.from('not a tarball at all, nor gzip'), /./],
    ] as const) {
      const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
      const cache = new BuildCache(join(dir, 'cache'));
      await mkdir(join(cache.tarballPath(integrity), '..'), { recursive: true });
      await writeFile(cache.tarballPath(integrity), bytes);
      const plan: PlannedPackage[] = [
        {
          location: 'node_modules/bad',
          name: 'bad',
          version: '1.2.3',
          url: 'https://r.example/bad.tgz',
          integrity,
          bin: {},
        },
      ];
      const refused = await streamInstall(plan, settings({}), cache, { progress: () => undefined }, 'x64').then(
        () => assert.fail('unpacked a broken tarball'),
        (e: Error) => e.message,
      );
      assert.match(refused, /^The tarball of bad@1\.2\.3 is not a package archive npm can unpack/);
      assert.match(refused, problem);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('integrity is checked with the strongest algorithm the lockfile lists', () => {
  const bytes = Buffer.from('tarball bytes');
  const sri = (alg: string, data = bytes) => `${alg}-${createHash(alg).update(data).digest('base64')}`;
  assert.equal(matchesIntegrity(bytes, sri('sha512')), true);
  assert.equal(matchesIntegrity(bytes, `${sri('sha1')} ${sri('sha512')}`), true);
  // A weaker digest that matches does not save a strong one that does not.
  assert.equal(matchesIntegrity(bytes, `${sri('sha1')} ${sri('sha512', Buffer.from('other'))}`), false);
  assert.equal(matchesIntegrity(bytes, sri('sha512', Buffer.from('other'))), false);
  assert.equal(matchesIntegrity(bytes, 'md5-abc'), false);
});

test('.bin links go into the folder that holds the package, pointing into it', () => {
  const plan: PlannedPackage[] = [
    {
      location: 'node_modules/a',
      name: 'a',
      version: '1',
      url: '',
      integrity: '',
      bin: { 'a-cli': './bin/cli.js', '../evil': 'x.js', out: '../../x' },
    },
    {
      location: 'node_modules/@s/b',
      name: '@s/b',
      version: '1',
      url: '',
      integrity: '',
      bin: { b: 'b.js', 'a-cli': 'b.js' },
    },
    {
      location: 'node_modules/a/node_modules/c',
      name: 'c',
      version: '1',
      url: '',
      integrity: '',
      bin: { c: 'c.js', gone: 'missing.js' },
    },
  ];
  const present = new Set([
    'node_modules/a/bin/cli.js',
    'node_modules/a/x.js',
    'node_modules/@s/b/b.js',
    'node_modules/a/node_modules/c/c.js',
  ]);
  assert.deepEqual(binLinks(plan, present), [
    { path: 'node_modules/.bin/a-cli', target: '../a/bin/cli.js' },
    { path: 'node_modules/.bin/b', target: '../@s/b/b.js' },
    { path: 'node_modules/a/node_modules/.bin/c', target: '../c/c.js' },
  ]);
});

test("a package's tarball gives up what it has where the lockfile puts another package; a file keeps its .bin path", () => {
  const planned = (location: string): PlannedPackage => ({
    location,
    name: location.split('node_modules/').pop()!,
    version: '1',
    url: '',
    integrity: '',
    bin: { b: 'b.js' },
  });
  const plan = [planned('node_modules/a'), planned('node_modules/a/node_modules/b'), planned('node_modules/ab')];
  const own = ['index.js', 'node_modules/b', 'node_modules/b/index.js', 'node_modules/zzz/z.js', 'node_modules/.bin/b'];
  const files = packageFiles(
    plan[0],
    own.map((path) => ({ path, data: Buffer.from(path), executable: false })),
    plan,
  );
  // npm unpacks both into one folder at once (which file wins is a race); the lockfile's package owns its folder.
  assert.deepEqual(
    files.map((f) => f.path),
    ['node_modules/a/index.js', 'node_modules/a/node_modules/zzz/z.js', 'node_modules/a/node_modules/.bin/b'],
  );
  const present = new Set([...files.map((f) => f.path), 'node_modules/a/node_modules/b/b.js', 'node_modules/ab/b.js']);
  // bin-links leaves a file it finds at a link's path (no --force).
  assert.deepEqual(binLinks(plan, present), [{ path: 'node_modules/.bin/b', target: '../ab/b.js' }]);
});

test("the target of each .bin link is made executable with an LF hashbang line, as npm's bin-links leaves it", () => {
  const file = (path: string, text: string): LayerFile => ({
    path,
    size: Buffer.byteLength(text),
    executable: false,
    source: { data: Buffer.from(text) },
  });
  const files = linkedBins(
    [
      file('node_modules/a/cli.js', '#!/usr/bin/env node\r\nconsole.log(1);\r\n'),
      // Not the target of a link (another package won the command): left as packed, as npm leaves it.
      file('node_modules/a/other.js', '#!/usr/bin/env node\r\n'),
      file('node_modules/a/node_modules/c/c.sh', 'echo\r\n'),
    ],
    [
      { path: 'node_modules/.bin/a', target: '../a/cli.js' },
      { path: 'node_modules/a/node_modules/.bin/c', target: '../c/c.sh' },
    ],
  );
  assert.deepEqual(
    files.map((f) => [f.path, f.executable, (f.source as { data: Buffer }).data.toString(), f.size]),
    [
      ['node_modules/a/cli.js', true, '#!/usr/bin/env node\nconsole.log(1);\r\n', 37],
      ['node_modules/a/other.js', false, '#!/usr/bin/env node\r\n', 21],
      ['node_modules/a/node_modules/c/c.sh', true, 'echo\r\n', 6],
    ],
  );
});

test("npm's cache is looked up where cacache keeps content: content-v2/<algorithm>/<hex split 2/2/rest>", () => {
  const digest = createHash('sha512').update('x').digest();
  const hex = digest.toString('hex');
  assert.deepEqual(npmCacheContentPaths('/home/me/.npm', `sha512-${digest.toString('base64')} md5-nope`), [
    join('/home/me/.npm', '_cacache', 'content-v2', 'sha512', hex.slice(0, 2), hex.slice(2, 4), hex.slice(4)),
  ]);
});

test('a tarball that unpacks past what a layer may hold (a gzip bomb) is stopped, not read into memory', async () => {
  const bomb = await tgz([{ name: 'package/zeros.bin', body: '\0'.repeat(20 * 1024 * 1024) }]);
  assert.ok(bomb.length < 100_000);
  await assert.rejects(tarballFiles(bomb, 1024 * 1024), TarballTooLarge);
  assert.equal((await tarballFiles(bomb)).length, 1);
});
