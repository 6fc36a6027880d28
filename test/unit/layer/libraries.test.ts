// The compatibility gate's library check: every DT_NEEDED library must be where Lambda's loader looks for it
// (run paths, /opt/lib, the runtime's base image); one elsewhere in the layer loads only after another module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeIncompatibilities,
  describeLibraryWarnings,
  scanCompatibility,
  type ScannedLayer,
} from '../../../src/layer/scan';
import { runPathDirs } from '../../../src/layer/dynamicLoader';
import { parseElf } from '../../../src/layer/elf';
import { resolveTarget, type Target } from '../../../src/layer/runtimes';
import { makeElf } from '../../fixtures/elf';

const py312 = resolveTarget('python3.12', 'x86_64');

/** A shared object needing libc and `needs`, with the run paths given. */
function so(needs: string[], paths: { runpath?: string; rpath?: string } = {}): Buffer {
  return makeElf({
    versions: Object.fromEntries([['libc.so.6', ['GLIBC_2.17']], ...needs.map((n) => [n, []])]),
    ...paths,
  });
}

function layer(files: Record<string, Buffer>, links: Record<string, string> = {}, root = 'python'): ScannedLayer {
  return {
    root,
    files: Object.entries(files).map(([path, data]) => ({ path, size: data.length, source: { data } })),
    links: Object.entries(links).map(([path, target]) => ({ path, target })),
  };
}

function without(files: Record<string, Buffer>, path: string): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(files).filter(([p]) => p !== path));
}

/** Every package owns the files below its top folder (or its `<name>.libs`). */
const owners = (l: ScannedLayer) =>
  new Map(
    l.files.map((f) => [f.path, f.path.split('/')[f.path.startsWith('node_modules/') ? 1 : 0].replace(/\.libs$/, '')]),
  );

async function check(l: ScannedLayer, target: Target = py312) {
  const { incompatibilities, warnings } = await scanCompatibility(l, target, owners(l));
  return {
    errors: incompatibilities.map((i) => `${i.package}: ${i.path}: ${i.detail}`),
    warnings: warnings.map((w) => `${w.package}: ${w.path}: ${w.library}: ${w.detail}`),
  };
}

const clean = { errors: [], warnings: [] };

test('run path folders: $ORIGIN and ${ORIGIN} are the module folder, /opt/... the layer, anything else is not the layer', () => {
  assert.deepEqual(
    runPathDirs('python/pkg/sub/_ext.so', ['$ORIGIN/../../pkg.libs', '${ORIGIN}', '$ORIGIN/lib', '$ORIGIN/']),
    ['python/pkg.libs', 'python/pkg/sub', 'python/pkg/sub/lib'],
  );
  assert.deepEqual(
    runPathDirs('python/top.so', [
      '$ORIGIN',
      '/opt/python/shared',
      '/opt/lib',
      '/opt/nodejs/node_modules/x/lib/',
      '$ORIGIN/../..',
      '/opt/../usr/lib64',
      '/usr/lib64',
      'rel',
      '$ORIGINAL/x',
      '$LIB',
    ]),
    ['python', 'python/shared', 'lib', 'nodejs/node_modules/x/lib'],
  );
});

test('ELF: DT_RUNPATH and DT_RPATH are read apart, from section headers or the dynamic segment alone', () => {
  assert.deepEqual(parseElf(makeElf({})).runpath, []);
  assert.deepEqual(parseElf(makeElf({})).rpath, []);
  const both = parseElf(makeElf({ rpath: '$ORIGIN/old:/opt/lib', runpath: '$ORIGIN/new' }));
  assert.deepEqual([both.runpath, both.rpath], [['$ORIGIN/new'], ['$ORIGIN/old', '/opt/lib']]);
  const stripped = parseElf(makeElf({ rpath: '$ORIGIN/r', runpath: '$ORIGIN/x', withoutSectionHeaders: true }));
  assert.deepEqual([stripped.runpath, stripped.rpath], [['$ORIGIN/x'], ['$ORIGIN/r']]);
});

test('$ORIGIN run paths find a library next to the module or in a folder below it', async () => {
  assert.deepEqual(
    await check(
      layer({
        'pkg/_ext.so': so(['libhelper.so.1', 'libsub.so.2'], { runpath: '$ORIGIN:${ORIGIN}/sub' }),
        'pkg/libhelper.so.1': so([]),
        'pkg/sub/libsub.so.2': so([]),
      }),
    ),
    clean,
  );
});

test("auditwheel's $ORIGIN/../<pkg>.libs: the module's DT_RPATH also finds what the grafted libraries need", async () => {
  const files = {
    'pkg/_ext.abi3.so': so(['libfoo-ab12.so.1'], { rpath: '$ORIGIN/../pkg.libs' }),
    'pkg.libs/libfoo-ab12.so.1': so(['libbar-cd34.so.2', 'libstdc++.so.6']),
    'pkg.libs/libbar-cd34.so.2': so(['libz.so.1']),
  };
  assert.deepEqual(await check(layer(files)), clean);

  // With DT_RUNPATH the folder serves the module's own needs only: libfoo does not find libbar through it.
  const runpath = { ...files, 'pkg/_ext.abi3.so': so(['libfoo-ab12.so.1'], { runpath: '$ORIGIN/../pkg.libs' }) };
  assert.deepEqual(await check(layer(runpath)), {
    errors: [],
    warnings: [
      'pkg: pkg.libs/libfoo-ab12.so.1: libbar-cd34.so.2: needs libbar-cd34.so.2, which is in the layer (/opt/python/pkg.libs/libbar-cd34.so.2) but not on its search path, and no module of the layer loads it from there: it loads only if the package loads it first by its path (with ctypes, for example)',
    ],
  });
  // ...unless the module needs it too: the loader maps the module's needs before its libraries' needs.
  const direct = {
    ...runpath,
    'pkg/_ext.abi3.so': so(['libfoo-ab12.so.1', 'libbar-cd34.so.2'], { runpath: '$ORIGIN/../pkg.libs' }),
  };
  assert.deepEqual(await check(layer(direct)), clean);
});

test('libraries of the layer are checked through their own run paths, recursively, and named with their package', async () => {
  const l = layer({
    'pkg/_ext.so': so(['libfoo-ab12.so.1'], { rpath: '$ORIGIN/../pkg.libs' }),
    'pkg.libs/libfoo-ab12.so.1': so(['libdeep.so.3'], { runpath: '$ORIGIN/deep' }),
    'pkg.libs/deep/libdeep.so.3': so(['libgone.so.7']),
  });
  assert.deepEqual(await check(l), {
    errors: [
      'pkg: pkg.libs/deep/libdeep.so.3: needs libgone.so.7, which is neither in the layer (its run path: /opt/python/pkg.libs/) nor in the Amazon Linux 2023 image of python3.12',
    ],
    warnings: [],
  });
});

test('a library only elsewhere in the layer is a warning naming the module, the library, where it is and who loads it', async () => {
  const l = layer({
    'provider/_p.abi3.so': so(['libshared.so.1'], { runpath: '$ORIGIN/lib' }),
    'provider/lib/libshared.so.1': so([]),
    'user/_u.abi3.so': so(['libshared.so.1']),
  });
  const result = await check(l);
  assert.deepEqual(result, {
    errors: [],
    warnings: [
      'user: user/_u.abi3.so: libshared.so.1: needs libshared.so.1, which is in the layer (/opt/python/provider/lib/libshared.so.1) but not on its search path: it loads only if another module loaded it first (provider/_p.abi3.so)',
    ],
  });
  const { warnings } = await scanCompatibility(l, py312, owners(l));
  assert.match(
    describeLibraryWarnings(warnings),
    /^1 native files of user may fail to load, depending on what was imported before them:\n {2}user: user\/_u\.abi3\.so: needs libshared\.so\.1, which is in the layer/,
  );
});

test('a library neither in the layer nor in the base image is an error naming the package and the library', async () => {
  const l = layer({
    'needspq/__init__.py': Buffer.from(''),
    'needspq/_pq.abi3.so': so(['libpq.so.5', 'libssl.so.3', 'libpython3.12.so.1.0']),
    'needsgl/_gl.abi3.so': so(['libGL.so.1'], { rpath: '$ORIGIN/../needsgl.libs:/usr/lib64' }),
  });
  const { incompatibilities } = await scanCompatibility(l, py312, owners(l));
  assert.deepEqual(
    incompatibilities.map((i) => [i.package, i.path, i.reason]),
    [
      ['needsgl', 'needsgl/_gl.abi3.so', 'missing-library'],
      ['needspq', 'needspq/_pq.abi3.so', 'missing-library'],
    ],
  );
  const text = describeIncompatibilities(incompatibilities, py312);
  assert.match(text, /^2 files will not load on python3\.12 \(x86_64\), from needsgl, needspq:/);
  assert.match(
    text,
    /needsgl: needsgl\/_gl\.abi3\.so: needs libGL\.so\.1, which is neither in the layer \(its run path: \/opt\/python\/needsgl\.libs\/\) nor in the Amazon Linux 2023 image of python3\.12/,
  );
  assert.match(
    text,
    /needspq: needspq\/_pq\.abi3\.so: needs libpq\.so\.5, which is neither in the layer nor in the Amazon Linux 2023 image of python3\.12/,
  );

  // Base images differ: Amazon Linux 2 has OpenSSL 1.0/1.1, not 3, and python3.11 has no libpython3.12.
  assert.deepEqual((await check(l, resolveTarget('python3.11', 'x86_64'))).errors, [
    'needsgl: needsgl/_gl.abi3.so: needs libGL.so.1, which is neither in the layer (its run path: /opt/python/needsgl.libs/) nor in the Amazon Linux 2 image of python3.11',
    'needspq: needspq/_pq.abi3.so: needs libpq.so.5, which is neither in the layer nor in the Amazon Linux 2 image of python3.11',
    'needspq: needspq/_pq.abi3.so: needs libssl.so.3, which is neither in the layer nor in the Amazon Linux 2 image of python3.11',
    'needspq: needspq/_pq.abi3.so: needs libpython3.12.so.1.0, which is neither in the layer nor in the Amazon Linux 2 image of python3.11',
  ]);
});

test("/opt/lib is on Lambda's LD_LIBRARY_PATH: the zip's lib/ folder serves every module, with or without a run path", async () => {
  const files = {
    'python/pg/_pg.abi3.so': so(['libpq.so.5']),
    'python/gl/_gl.abi3.so': so(['libGL.so.1'], { runpath: '$ORIGIN' }),
    'lib/libpq.so.5': so(['libldap.so.2']),
    'lib/libGL.so.1.7.0': so(['libGLdispatch.so.0']),
    'lib/libGLdispatch.so.0': so([]),
  };
  assert.deepEqual(await check(layer(files, { 'lib/libGL.so.1': 'libGL.so.1.7.0' }, '')), clean);
  // The link's target is checked as the library it is: what it needs must be found too.
  const withoutDispatch = without(files, 'lib/libGLdispatch.so.0');
  assert.deepEqual((await check(layer(withoutDispatch, { 'lib/libGL.so.1': 'libGL.so.1.7.0' }, ''))).errors, [
    'lib: lib/libGL.so.1.7.0: needs libGLdispatch.so.0, which is neither in the layer nor in the Amazon Linux 2023 image of python3.12',
  ]);
  // A dangling link finds nothing.
  assert.equal((await check(layer(withoutDispatch, { 'lib/libGL.so.1': 'libGL.so.9' }, ''))).errors.length, 1);
});

test('DT_RPATH is ignored when DT_RUNPATH is present', async () => {
  const l = (runpathHas: boolean) =>
    layer({
      'pkg/_ext.so': so(['libx.so.1'], { rpath: '$ORIGIN/old', runpath: '$ORIGIN/new' }),
      [runpathHas ? 'pkg/new/libx.so.1' : 'pkg/old/libx.so.1']: so([]),
    });
  assert.deepEqual(await check(l(true)), clean);
  const onlyInRpath = await check(l(false));
  assert.deepEqual(onlyInRpath.errors, []);
  assert.equal(onlyInRpath.warnings.length, 1);
  assert.match(
    onlyInRpath.warnings[0],
    /^pkg: pkg\/_ext\.so: libx\.so\.1: needs libx\.so\.1, which is in the layer \(\/opt\/python\/pkg\/old\/libx\.so\.1\)/,
  );
});

test('Node.js layers: /opt/nodejs/node_modules/... run paths point into the layer', async () => {
  const node20 = resolveTarget('nodejs20.x', 'x86_64');
  const addon = so(['libvips-cpp.so.42'], {
    runpath: '/opt/nodejs/node_modules/@img/sharp-libvips-linux-x64/lib:$ORIGIN/../../sharp-libvips-linux-x64/lib',
  });
  const files = {
    'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node': addon,
    'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.42': so(['libstdc++.so.6']),
  };
  assert.deepEqual(await check(layer(files, {}, 'nodejs'), node20), clean);
  const alone = without(files, 'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.42');
  assert.deepEqual((await check(layer(alone, {}, 'nodejs'), node20)).errors, [
    '@img: node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node: needs libvips-cpp.so.42, which is neither in the layer (its run path: /opt/nodejs/node_modules/@img/sharp-libvips-linux-x64/lib/) nor in the Amazon Linux 2023 image of nodejs20.x',
  ]);
  // A python/ run path means nothing to a Node.js layer.
  const pythonPath = {
    ...files,
    'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node': so(['libvips-cpp.so.42'], {
      runpath: '/opt/python/lib',
    }),
  };
  assert.equal((await check(layer(pythonPath, {}, 'nodejs'), node20)).warnings.length, 1);
});

test('a module whose own loading stops at a library is not named as the one that loads it first', async () => {
  const l = layer({
    'pkg/_ext.so': so(['libfoo.so.1', 'libbaz.so.1'], { runpath: '$ORIGIN/libs' }),
    'pkg/libs/libfoo.so.1': so(['libbar.so.1']),
    'pkg/libs/libbaz.so.1': so(['libbar.so.1'], { runpath: '$ORIGIN/bar' }),
    'pkg/libs/bar/libbar.so.1': so([]),
  });
  assert.deepEqual((await check(l)).warnings, [
    'pkg: pkg/libs/libfoo.so.1: libbar.so.1: needs libbar.so.1, which is in the layer (/opt/python/pkg/libs/bar/libbar.so.1) but not on its search path, and no module of the layer loads it from there: it loads only if the package loads it first by its path (with ctypes, for example)',
  ]);
});
