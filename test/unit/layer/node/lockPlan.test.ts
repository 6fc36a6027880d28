import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitsTarget, planFromLockfile, type LockEntry, type LockPlan } from '../../../../src/layer/node/lockPlan';

const x64 = { architecture: 'x86_64' as const };
const arm64 = { architecture: 'arm64' as const };

function pkg(name: string, extra: Partial<LockEntry> = {}): LockEntry {
  const base = name.replace(/^@[^/]+\//, '');
  return {
    version: '1.0.0',
    resolved: `https://registry.npmjs.org/${name}/-/${base}-1.0.0.tgz`,
    integrity: `sha512-${Buffer.from(name).toString('base64')}`,
    ...extra,
  };
}

function lock(root: Partial<LockEntry>, packages: Record<string, LockEntry>): string {
  return JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app', ...root }, ...packages } });
}

function locations(plan: LockPlan): string[] {
  assert.ok('packages' in plan, 'npmNeeded' in plan ? plan.npmNeeded : '');
  return plan.packages.map((p) => p.location);
}

const native = {
  'node_modules/native': pkg('native', {
    optionalDependencies: {
      '@x/native-linux-x64-gnu': '1.0.0',
      '@x/native-linux-arm64-gnu': '1.0.0',
      '@x/native-darwin-arm64': '1.0.0',
    },
  }),
  'node_modules/@x/native-linux-x64-gnu': pkg('@x/native-linux-x64-gnu', {
    optional: true,
    os: ['linux'],
    cpu: ['x64'],
    libc: ['glibc'],
  }),
  'node_modules/@x/native-linux-arm64-gnu': pkg('@x/native-linux-arm64-gnu', {
    optional: true,
    os: ['linux'],
    cpu: ['arm64'],
    libc: ['glibc'],
  }),
  'node_modules/@x/native-darwin-arm64': pkg('@x/native-darwin-arm64', {
    optional: true,
    os: ['darwin'],
    cpu: ['arm64'],
  }),
};

test('production dependencies and what they need, nested where the lockfile nests them; dev ones left out', () => {
  const text = lock(
    { dependencies: { a: '^1.0.0' }, devDependencies: { tester: '^1.0.0' } },
    {
      'node_modules/a': pkg('a', { dependencies: { b: '^1.0.0', c: '^2.0.0' } }),
      'node_modules/b': pkg('b'),
      'node_modules/c': pkg('c', { version: '1.0.0' }),
      'node_modules/a/node_modules/c': pkg('c', { version: '2.0.0' }),
      'node_modules/tester': pkg('tester', { dev: true, dependencies: { b: '^1.0.0' } }),
    },
  );
  const plan = planFromLockfile(text, { dependencies: { a: '^1.0.0' }, devDependencies: { tester: '^1.0.0' } }, x64);
  // node_modules/c (1.0.0) is needed by nobody in production: npm marks it dev or it is not there; here it is a stray.
  assert.deepEqual(plan, {
    npmNeeded: 'the lockfile installs node_modules/c for production, which nothing here needs',
  });
  const fixed = JSON.parse(text) as { packages: Record<string, LockEntry> };
  fixed.packages['node_modules/c'].dev = true;
  const ok = planFromLockfile(
    JSON.stringify(fixed),
    { dependencies: { a: '^1.0.0' }, devDependencies: { tester: '^1.0.0' } },
    x64,
  );
  assert.deepEqual(locations(ok), ['node_modules/a', 'node_modules/a/node_modules/c', 'node_modules/b']);
  assert.ok('packages' in ok);
  assert.equal(ok.packages[1].name, 'c');
  assert.equal(ok.packages[1].version, '2.0.0');
});

test('platform twins: only the one for Linux and the target CPU (glibc) is planned', () => {
  const text = lock({ dependencies: { native: '1.0.0' } }, native);
  assert.deepEqual(locations(planFromLockfile(text, { dependencies: { native: '1.0.0' } }, x64)), [
    'node_modules/@x/native-linux-x64-gnu',
    'node_modules/native',
  ]);
  const plan = planFromLockfile(text, { dependencies: { native: '1.0.0' } }, arm64);
  assert.deepEqual(locations(plan), ['node_modules/@x/native-linux-arm64-gnu', 'node_modules/native']);
  assert.ok('skipped' in plan);
  assert.deepEqual(plan.skipped, ['node_modules/@x/native-darwin-arm64', 'node_modules/@x/native-linux-x64-gnu']);
});

test("an optional package that cannot install takes along what only it required (npm's optional subtree)", () => {
  const text = lock(
    { dependencies: { app: '1.0.0' } },
    {
      'node_modules/app': pkg('app', { optionalDependencies: { watcher: '1.0.0' } }),
      'node_modules/watcher': pkg('watcher', { optional: true, dependencies: { fsevents: '1.0.0' } }),
      'node_modules/fsevents': pkg('fsevents', { optional: true, os: ['darwin'] }),
    },
  );
  assert.deepEqual(locations(planFromLockfile(text, { dependencies: { app: '1.0.0' } }, x64)), ['node_modules/app']);
});

test('what the model does not cover is left to npm, with the reason', () => {
  const deps = { dependencies: { a: '1.0.0' } };
  const need = (text: string, root: Record<string, unknown> = deps) => {
    const plan = planFromLockfile(text, root, x64);
    assert.ok('npmNeeded' in plan, JSON.stringify(plan));
    return plan.npmNeeded;
  };
  assert.match(need('{ not json'), /not valid JSON/);
  assert.match(need(JSON.stringify({ lockfileVersion: 1, dependencies: {} })), /lockfileVersion 1/);
  assert.match(
    need(lock(deps, { 'node_modules/a': pkg('a') }), { dependencies: { a: '^2.0.0' } }),
    /different dependencies/,
  );
  assert.match(need(lock(deps, { 'node_modules/a': pkg('a', { hasInstallScript: true }) })), /install scripts/);
  assert.match(
    need(
      lock(deps, {
        'node_modules/a': { version: '1.0.0', resolved: 'git+ssh://git@github.com/x/a.git#abc', integrity: 'x' },
      }),
    ),
    /no registry tarball/,
  );
  assert.match(
    need(lock(deps, { 'node_modules/a': { version: '1.0.0', integrity: 'sha512-x' } })),
    /no registry tarball/,
  );
  assert.match(need(lock(deps, { 'node_modules/a': { resolved: 'packages/a', link: true } })), /link/);
  assert.match(need(lock(deps, {})), /a, needed by package\.json, is not in the lockfile/);
  assert.match(need(lock(deps, { 'node_modules/a': pkg('a', { os: ['darwin'] }) })), /not for Linux x64.*not optional/);
  assert.match(
    need(lock(deps, { 'node_modules/a': pkg('a', { dev: true }) })),
    /marks node_modules\/a as a dev dependency/,
  );
});

test('a locked version outside the range asking for it is left to npm ci, which refuses such a lockfile', () => {
  const root = { dependencies: { a: '^1.0.0', b: '^2.0.0' } };
  const plan = (packages: Record<string, LockEntry>) => planFromLockfile(lock(root, packages), root, x64);
  // package.json and the lockfile's root agree, but the entry was left behind (a hand merge, an edited lockfile).
  assert.deepEqual(plan({ 'node_modules/a': pkg('a'), 'node_modules/b': pkg('b') }), {
    npmNeeded: 'the lockfile has b@1.0.0 at node_modules/b, where package.json asks for ^2.0.0',
  });
  const nested = {
    'node_modules/a': pkg('a', { dependencies: { c: '~1.2.0' } }),
    'node_modules/b': pkg('b', { version: '2.0.0' }),
    'node_modules/c': pkg('c', { version: '1.3.0' }),
  };
  assert.deepEqual(plan(nested), {
    npmNeeded: 'the lockfile has c@1.3.0 at node_modules/c, where node_modules/a asks for ~1.2.0',
  });
  // What npm accepts: "*" and "" (even a prerelease), a tag, an alias's range, a URL, a loose range.
  const accepted = plan({
    'node_modules/a': pkg('a', {
      dependencies: { c: '*', d: '', e: 'latest', f: 'npm:real-f@^3.0.0', g: 'https://example.com/g.tgz', h: '1.x' },
    }),
    'node_modules/b': pkg('b', { version: '2.0.0' }),
    'node_modules/c': pkg('c', { version: '1.0.0-beta.1' }),
    'node_modules/d': pkg('d', { version: '0.0.1-x' }),
    'node_modules/e': pkg('e'),
    'node_modules/f': pkg('real-f', { name: 'real-f', version: '3.1.0' }),
    'node_modules/g': pkg('g'),
    'node_modules/h': pkg('h', { version: '1.5.0' }),
  });
  assert.deepEqual(
    locations(accepted),
    'abcdefgh'.split('').map((l) => `node_modules/${l}`),
  );
  // package.json's overrides replace what packages ask for, which this model does not follow: no check then.
  const overridden = { ...root, overrides: { c: '1.3.0' } };
  assert.deepEqual(locations(planFromLockfile(lock(root, nested), overridden, x64)), [
    'node_modules/a',
    'node_modules/b',
    'node_modules/c',
  ]);
});

test('bundled dependencies come inside their parent; bins are read in both lockfile forms', () => {
  const text = lock(
    { dependencies: { a: '1.0.0', tool: '1.0.0' } },
    {
      'node_modules/a': pkg('a', { dependencies: { inner: '1.0.0' }, bin: { 'a-cli': 'bin/cli.js' } }),
      'node_modules/a/node_modules/inner': { version: '1.0.0', inBundle: true, bin: { inner: 'i.js' } },
      'node_modules/tool': pkg('tool', { bin: 'run.js' as unknown as Record<string, string> }),
    },
  );
  const plan = planFromLockfile(text, { dependencies: { a: '1.0.0', tool: '1.0.0' } }, x64);
  assert.deepEqual(locations(plan), ['node_modules/a', 'node_modules/tool']);
  assert.ok('packages' in plan);
  assert.deepEqual(plan.packages[0].bin, { 'a-cli': 'bin/cli.js' });
  assert.deepEqual(plan.packages[1].bin, { tool: 'run.js' });
  // npm links the commands of bundled packages too, in the node_modules that holds them.
  assert.deepEqual(plan.bundled, [{ location: 'node_modules/a/node_modules/inner', bin: { inner: 'i.js' } }]);
});

test('peer dependencies are installed, optional peers only when something else brings them', () => {
  const root = { dependencies: { plugin: '1.0.0' } };
  const text = lock(root, {
    'node_modules/plugin': pkg('plugin', {
      peerDependencies: { host: '1.0.0', extra: '1.0.0' },
      peerDependenciesMeta: { extra: { optional: true } },
    }),
    'node_modules/host': pkg('host', { peer: true }),
  });
  assert.deepEqual(locations(planFromLockfile(text, root, x64)), ['node_modules/host', 'node_modules/plugin']);
});

test("npm's platform rule: negations refuse, one plain entry must match", () => {
  assert.equal(fitsTarget({ os: ['!win32'] }, 'x64'), true);
  assert.equal(fitsTarget({ os: ['!linux'] }, 'x64'), false);
  assert.equal(fitsTarget({ cpu: ['arm64', 'x64'] }, 'x64'), true);
  assert.equal(fitsTarget({ cpu: ['arm64'] }, 'x64'), false);
  assert.equal(fitsTarget({ libc: ['musl'] }, 'x64'), false);
  assert.equal(fitsTarget({}, 'arm64'), true);
});
