import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readZip } from '../../fixtures/zipRead';
import { makeElf } from '../../fixtures/elf';
import { makeWheelhouse } from '../../fixtures/wheels';
import { IncompatibleFilesError } from '../../../src/layer/build';
import { defaultBuildCacheDir } from '../../../src/layer/buildCache';
import { isRuntime } from '../../../src/layer/runtimes';
import { renderReport } from '../../../src/layer/report';
import { escapeHtml } from '../../../src/util/html';
import { workspace, type Workspace } from './setup';

let ws: Workspace;
before(async () => {
  ws = await workspace();
  await makeWheelhouse(ws.wheelhouse, [
    {
      name: 'datapkg',
      version: '2.0',
      files: {
        'datapkg/__init__.py': 'from datapkg import tool\n',
        'datapkg/tool.py': 'X = 1\n',
        'datapkg/run.sh': '#!/bin/sh\necho hi\n',
        'datapkg-2.0.data/purelib/datapkg_extra.py': 'Y = 2\n',
        'datapkg-2.0.data/platlib/datapkg_plat/__init__.py': 'Z = 3\n',
        'datapkg-2.0.data/scripts/datapkg-cli': '#!python\nprint(1)\n',
        'datapkg-2.0.data/headers/datapkg.h': 'int x;\n',
      },
      executable: ['datapkg/run.sh'],
    },
    {
      name: 'needspq',
      version: '1.0',
      tag: 'cp39-abi3-manylinux2014_x86_64',
      native: { elf: { versions: { 'libc.so.6': ['GLIBC_2.17'], 'libpq.so.5': [] } } },
    },
    {
      name: 'bundled',
      version: '1.0',
      tag: 'cp39-abi3-manylinux2014_x86_64',
      files: {
        'bundled/__init__.py': '',
        'bundled.libs/libfoo-ab12cd.so.1': makeElf({ versions: { 'libstdc++.so.6': [], 'libc.so.6': ['GLIBC_2.17'] } }),
      },
      native: {
        elf: {
          versions: { 'libc.so.6': ['GLIBC_2.17'], 'libfoo-ab12cd.so.1': [] },
          runpath: '$ORIGIN/../bundled.libs',
        },
      },
    },
    // Its own module finds libshared through $ORIGIN/lib; usesshared's module needs it with no run path.
    {
      name: 'sharedlib',
      version: '1.0',
      tag: 'cp39-abi3-manylinux2014_x86_64',
      files: {
        'sharedlib/__init__.py': '',
        'sharedlib/lib/libshared.so.1': makeElf({ versions: { 'libc.so.6': ['GLIBC_2.17'] } }),
      },
      native: { elf: { versions: { 'libc.so.6': ['GLIBC_2.17'], 'libshared.so.1': [] }, runpath: '$ORIGIN/lib' } },
    },
    {
      name: 'usesshared',
      version: '1.0',
      tag: 'cp39-abi3-manylinux2014_x86_64',
      native: { elf: { versions: { 'libc.so.6': ['GLIBC_2.17'], 'libshared.so.1': [] } } },
    },
  ]);
});
after(() => ws.dispose());

const hostMinor = Number(execFileSync('python3', ['-c', 'import sys; print(sys.version_info[1])']).toString().trim());
const hostRuntime = `python3.${hostMinor}`;

test('a layer streamed from wheels holds what pip -t installs (without scripts and headers), exec bits kept, RECORD as pip writes it', async () => {
  const req = await ws.requirements(['datapkg==2.0', 'app']);
  let percent = 0;
  const built = await ws.build(
    req,
    'python3.12',
    'x86_64',
    { name: 'streamed' },
    { progress: (p) => (percent += p.increment ?? 0) },
  );
  assert.equal(percent, 100, 'the progress increments of a build add up to 100');
  const entries = await readZip(built.zipPath);
  const names = entries
    .filter((e) => !e.name.endsWith('/'))
    .map((e) => e.name.slice('python/'.length))
    .sort();

  const pipDir = join(ws.dir, 'pip-t');
  execFileSync('python3', ['-m', 'pip', 'install', '-q', '--no-compile', '-t', pipDir, '-r', req], { env: ws.env });
  const pipFiles = (await walk(pipDir)).filter((p) => !p.startsWith('bin/') && !p.startsWith('include/')).sort();
  assert.deepEqual(names, pipFiles);
  const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
  assert.equal(byName['python/datapkg/run.sh'].mode, 0o100755);
  assert.equal(byName['python/datapkg/tool.py'].mode, 0o100644);
  for (const f of [
    'datapkg-2.0.dist-info/INSTALLER',
    'datapkg-2.0.dist-info/REQUESTED',
    'purepkg-1.2.0.dist-info/INSTALLER',
  ]) {
    assert.ok(byName[`python/${f}`].data.equals(await readFile(join(pipDir, f))), f);
  }
  assert.equal(byName['python/purepkg-1.2.0.dist-info/REQUESTED'], undefined, 'only asked-for packages are REQUESTED');
  const record = byName['python/datapkg-2.0.dist-info/RECORD'].data.toString();
  const pipRecord = (await readFile(join(pipDir, 'datapkg-2.0.dist-info/RECORD'), 'utf8'))
    .split('\r\n')
    .filter((l) => !l.startsWith('../'))
    .join('\r\n');
  assert.equal(record, pipRecord);
  assert.deepEqual(
    built.manifest.packages.map((p) => [p.name, p.files]),
    [
      ['app', 7],
      ['datapkg', 11],
      ['purepkg', 6],
    ],
  );
});

test(
  'bytecode comes from the cache per wheel: adding a requirement compiles only the new wheel; the cache folder is the one configured',
  { skip: !isRuntime(hostRuntime) && 'host Python is not a Lambda runtime version' },
  async () => {
    const cacheDirectory = join(ws.dir, 'own-cache');
    const first = await ws.build(await ws.requirements(['purepkg==1.2.0']), hostRuntime, 'x86_64', {
      name: 'inc',
      cacheDirectory,
    });
    assert.equal(first.manifest.bytecode, 'unchecked-hash');
    const bytecodeDir = join(cacheDirectory, 'bytecode');
    const [purepkgPyc] = await readdir(bytecodeDir);
    const before = await stat(join(bytecodeDir, purepkgPyc));
    const second = await ws.build(await ws.requirements(['purepkg==1.2.0', 'datapkg==2.0']), hostRuntime, 'x86_64', {
      name: 'inc',
      cacheDirectory,
    });
    const after = await readdir(bytecodeDir);
    assert.equal(after.length, 2, 'one bytecode zip per wheel');
    const again = await stat(join(bytecodeDir, purepkgPyc));
    assert.equal(again.ino, before.ino, 'the cached wheel was not compiled again');
    const entries = await readZip(second.zipPath);
    const pyc = entries.find((e) => e.name === `python/datapkg/__pycache__/tool.cpython-3${hostMinor}.pyc`);
    assert.ok(pyc, 'the new wheel got bytecode');
    assert.equal(pyc.data.readUInt32LE(4), 1, 'unchecked-hash');
    assert.ok(
      entries.some((e) => e.name === `python/datapkg_plat/__pycache__/__init__.cpython-3${hostMinor}.pyc`),
      '.data/platlib is compiled where it is installed',
    );
    // Extracted, the layer imports with the bytecode it carries.
    const out = execFileSync('python3', [
      '-I',
      '-c',
      `import sys; import zipfile; z = zipfile.ZipFile(${JSON.stringify(second.zipPath)}); z.extractall(${JSON.stringify(join(ws.dir, 'ro-x'))}); sys.path[0] = ${JSON.stringify(join(ws.dir, 'ro-x', 'python'))}; import datapkg, datapkg_extra, datapkg_plat, purepkg; print(datapkg.tool.X, datapkg_extra.Y, datapkg_plat.Z, datapkg.tool.__cached__.endswith('.pyc'))`,
    ])
      .toString()
      .trim();
    assert.equal(out, '1 2 3 True');
  },
);

async function walk(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(root, p)));
    else out.push(p);
  }
  return out;
}

test('a native library the layer needs but neither ships nor finds in the runtime image is named with its package before anything is written', async () => {
  const req = await ws.requirements(['needspq', 'bundled']);
  const error = await ws.build(req, 'python3.12', 'x86_64', { name: 'pq' }).then(
    () => assert.fail('built'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof IncompatibleFilesError, String(error));
  assert.deepEqual(
    error.incompatibilities.map((i) => [i.package, i.path, i.reason]),
    [['needspq', 'needspq/_native.abi3.so', 'missing-library']],
  );
  assert.match(
    error.message,
    /needspq: needspq\/_native\.abi3\.so: needs libpq\.so\.5, which is neither in the layer nor in the Amazon Linux 2023 image of python3\.12/,
  );
  // What the scan read is kept per wheel; the next build finds the same from those facts.
  const facts = await readdir(join(defaultBuildCacheDir(ws.env), 'native'));
  assert.ok(facts.length >= 2 && facts.every((f) => /^[0-9a-f]{64}-facts1\.json$/.test(f)), facts.join());
  const again = await ws.build(req, 'python3.12', 'x86_64', { name: 'pq' }).then(
    () => assert.fail('built'),
    (e: unknown) => e as IncompatibleFilesError,
  );
  assert.deepEqual(again.incompatibilities, error.incompatibilities);
  // Bundled in <pkg>.libs (auditwheel's layout, found through $ORIGIN) and system libraries are fine.
  const ok = await ws.build(await ws.requirements(['bundled']), 'python3.11', 'x86_64', { name: 'bundled' });
  assert.deepEqual(ok.manifest.incompatibilities, []);
});

test("a native library the layer holds outside the module's search path builds with a warning naming module, library, place and loader", async () => {
  const built = await ws.build(await ws.requirements(['sharedlib', 'usesshared']), 'python3.12', 'x86_64', {
    name: 'shared',
  });
  assert.deepEqual(built.manifest.incompatibilities, []);
  const warning = built.manifest.warnings.find((w) => w.includes('libshared.so.1'));
  assert.ok(warning, built.manifest.warnings.join('\n'));
  assert.match(
    warning,
    /^1 native files of usesshared may fail to load, depending on what was imported before them:\n {2}usesshared: usesshared\/_native\.abi3\.so: needs libshared\.so\.1, which is in the layer \(\/opt\/python\/sharedlib\/lib\/libshared\.so\.1\) but not on its search path: it loads only if another module loaded it first \(sharedlib\/_native\.abi3\.so\)$/,
  );
  const html = renderReport(built.manifest, { nonce: 'n' });
  assert.ok(html.includes(escapeHtml(warning)), 'the build report lists the warning');
});
