import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readZip } from '../../fixtures/zipRead';
import { makeWheelhouse } from '../../fixtures/wheels';
import { isRuntime } from '../../../src/layer/runtimes';
import { silentLog } from '../../../src/util/log';
import { readManifest } from '../../../src/layer/manifest';
import { runCli } from '../../helpers/cli';
import { workspace, type Workspace } from './setup';

let ws: Workspace;
before(async () => {
  ws = await workspace();
  await makeWheelhouse(ws.wheelhouse, [
    {
      // Reads a data file under its tests folder at import time (real packages do: timezone tables, fixtures).
      name: 'tablepkg',
      version: '1.0',
      files: {
        'tablepkg/__init__.py':
          'import json, os\nTABLE = json.load(open(os.path.join(os.path.dirname(__file__), "tests", "fixtures", "table.json")))\n',
        'tablepkg/tests/__init__.py': '',
        'tablepkg/tests/test_table.py': 'def test_table():\n    import tablepkg\n    assert tablepkg.TABLE\n',
        'tablepkg/tests/fixtures/table.json': '{"a": 1}',
        'tablepkg/tests/fixtures/other.json': '{"b": 2}',
        'tablepkg/tests/helpers.py': 'def helper():\n    return 42\n',
        'tablepkg/docs/guide.rst': 'Guide\n=====\n',
        'tablepkg/examples/demo.py': 'import tablepkg\nprint(tablepkg.TABLE)\n',
        'tablepkg/core.pyi': 'TABLE: dict\n',
        'tablepkg/_speed.c': 'int speed(void) { return 1; }\n',
        'tablepkg/py.typed': '',
      },
    },
    // Imports another package's test helper: only removed files of that other package bring it back.
    {
      name: 'crosspkg',
      version: '1.0',
      files: { 'crosspkg/__init__.py': 'from tablepkg.tests.helpers import helper\n' },
    },
    // Top-level packages literally named tests and docs are importable and stay.
    {
      name: 'oddnames',
      version: '1.0',
      files: { 'tests/__init__.py': 'VALUE = 1\n', 'docs/__init__.py': 'VALUE = 2\n', 'docs/conf.py': 'x = 1\n' },
    },
  ]);
});
after(() => ws.dispose());

const hostMinor = Number(execFileSync('python3', ['-c', 'import sys; print(sys.version_info[1])']).toString().trim());
const hostRuntime = `python3.${hostMinor}`;
const otherRuntime = hostMinor === 12 ? 'python3.13' : 'python3.12';
const REQUIREMENTS = ['tablepkg==1.0', 'crosspkg==1.0', 'oddnames==1.0'];
const needsHost = { skip: !isRuntime(hostRuntime) && 'host Python is not a Lambda runtime version' };

async function names(zipPath: string): Promise<string[]> {
  return (await readZip(zipPath)).filter((e) => !e.name.endsWith('/')).map((e) => e.name.slice('python/'.length));
}

// helpers.py alone would import (from a namespace package): its package's __init__.py and both bytecode files come too.
const KEPT_BACK = [
  ...[
    'tablepkg/tests/__init__.py',
    `tablepkg/tests/__pycache__/__init__.cpython-3${hostMinor}.pyc`,
    `tablepkg/tests/__pycache__/helpers.cpython-3${hostMinor}.pyc`,
    'tablepkg/tests/helpers.py',
  ].map((path) => ({ path, package: 'tablepkg', module: 'crosspkg', kind: 'tests' })),
  { path: 'tablepkg/tests/fixtures/table.json', package: 'tablepkg', module: 'tablepkg', kind: 'tests' },
].sort((a, b) => (a.path < b.path ? -1 : 1));

test(
  'a slim layer streamed from wheels leaves out tests, docs, stubs and C sources, keeps back what an import needs and says so',
  needsHost,
  async () => {
    const req = await ws.requirements(REQUIREMENTS);
    const infos: string[] = [];
    const log = { ...silentLog, info: (m: string) => void infos.push(m) };
    const built = await ws.build(req, hostRuntime, 'x86_64', { name: 'slim', slim: true }, { log });
    const files = await names(built.zipPath);
    for (const gone of [
      'tablepkg/tests/test_table.py',
      `tablepkg/tests/__pycache__/test_table.cpython-3${hostMinor}.pyc`,
      'tablepkg/examples/demo.py',
      'tablepkg/tests/fixtures/other.json',
      'tablepkg/docs/guide.rst',
      'tablepkg/core.pyi',
      'tablepkg/_speed.c',
    ])
      assert.ok(!files.includes(gone), `${gone} is left out`);
    for (const kept of [
      'tablepkg/tests/fixtures/table.json',
      'tablepkg/tests/helpers.py',
      'tablepkg/py.typed',
      'tests/__init__.py',
      'docs/__init__.py',
      'docs/conf.py',
      'tablepkg-1.0.dist-info/METADATA',
      'tablepkg-1.0.dist-info/RECORD',
    ])
      assert.ok(files.includes(kept), `${kept} stays`);

    const slim = built.manifest.slim!;
    assert.deepEqual(slim.keptBack, KEPT_BACK);
    assert.equal(slim.verification.python, `3.${hostMinor}`);
    assert.deepEqual(slim.verification.verified, ['crosspkg', 'docs', 'tablepkg', 'tests']);
    assert.deepEqual(slim.verification.unverifiable, []);
    assert.equal(
      slim.removedFiles,
      8,
      'test_table.py, demo.py, their bytecode, other.json, guide.rst, core.pyi, _speed.c',
    );
    const table = built.manifest.packages.find((p) => p.name === 'tablepkg')!;
    assert.equal(table.slimmed?.files, 8);
    assert.equal(table.slimmed?.bytes, slim.removedBytes);
    assert.ok(
      infos.some((m) => m.includes('tablepkg/tests/fixtures/table.json') && m.includes('tablepkg')),
      infos.join('\n'),
    );
    assert.deepEqual(built.manifest.warnings, []);

    // As Lambda sees it: extracted read-only, no site-packages; importlib.metadata lists exactly the files present.
    const dir = join(ws.dir, 'extracted');
    for (const e of await readZip(built.zipPath)) {
      if (e.name.endsWith('/')) continue;
      await mkdir(dirname(join(dir, e.name)), { recursive: true });
      await writeFile(join(dir, e.name), e.data);
    }
    await chmod(dir, 0o555);
    const check = [
      'import sys, os, importlib.metadata as md',
      `sys.path.insert(0, ${JSON.stringify(join(dir, 'python'))})`,
      'import tablepkg, crosspkg, tests, docs',
      'print(md.version("tablepkg"))',
      'missing = [str(f) for f in md.files("tablepkg") if not f.locate().exists()]',
      'print(missing)',
    ].join('\n');
    assert.equal(execFileSync('python3', ['-S', '-I', '-B', '-c', check]).toString(), '1.0\n[]\n');

    const again = await ws.build(req, hostRuntime, 'x86_64', { name: 'slim', slim: true, force: true });
    assert.equal(again.manifest.sha256, built.manifest.sha256, 'the same inputs give the same slim zip');
    const full = await ws.build(req, hostRuntime, 'x86_64', { name: 'full' });
    assert.notEqual(full.manifest.cacheKey, built.manifest.cacheKey, 'slim is part of the inputs');
    assert.ok((await names(full.zipPath)).includes('tablepkg/core.pyi'), 'off by default');
  },
);

test('a slim source build (installed to a folder) leaves out and keeps back the same files', needsHost, async () => {
  const req = await ws.requirements(REQUIREMENTS);
  const streamed = await ws.build(req, hostRuntime, 'x86_64', { name: 'slim-s', slim: true });
  const folder = await ws.build(req, hostRuntime, 'x86_64', { name: 'slim-f', slim: true, allowSourceBuilds: true });
  assert.deepEqual(folder.manifest.slim?.keptBack, KEPT_BACK);
  assert.deepEqual(await names(folder.zipPath), await names(streamed.zipPath));
  const dirs = (await readZip(folder.zipPath)).filter((e) => e.name.endsWith('/')).map((e) => e.name);
  assert.ok(!dirs.includes('python/tablepkg/docs/'), 'no empty folder where only left-out files were');
});

test('a slim build for another Python version says it could not prove the imports', async () => {
  const req = await ws.requirements(REQUIREMENTS);
  const built = await ws.build(req, otherRuntime, 'x86_64', { name: 'slim-other', slim: true });
  const slim = built.manifest.slim!;
  assert.match(
    slim.verification.skipped ?? '',
    new RegExp(`the local Python is 3\\.${hostMinor} and the runtime is ${otherRuntime}`),
  );
  assert.deepEqual(slim.keptBack, []);
  assert.deepEqual(slim.verification.verified, []);
  assert.ok(
    built.manifest.warnings.some((w) => w.startsWith('Slim build not verified')),
    built.manifest.warnings.join('\n'),
  );
  assert.ok(!(await names(built.zipPath)).includes('tablepkg/tests/fixtures/table.json'));
});

test(
  'cli build --slim: the manifest says what was left out and kept back, the log names the kept file',
  needsHost,
  async () => {
    const req = await ws.requirements(REQUIREMENTS);
    const out = join(ws.dir, 'cli-slim', 'deps.zip');
    const run = await runCli(
      ['build', req, '--runtime', hostRuntime, '--arch', 'x86_64', '--out', out, '--slim'],
      ws.env,
    );
    assert.equal(run.code, 0, run.stderr);
    const manifest = await readManifest(run.stdout.trim());
    assert.deepEqual(manifest?.slim?.keptBack, KEPT_BACK);
    assert.match(
      run.stderr,
      /Slim build: kept tablepkg\/tests\/fixtures\/table\.json \(tablepkg\), importing tablepkg failed without it\./,
    );
    assert.match(run.stderr, /Slim build: left out 8 files \(.+\), kept back 5\./);
    const plain = await runCli(
      ['build', req, '--runtime', hostRuntime, '--arch', 'x86_64', '--out', join(ws.dir, 'cli-full', 'deps.zip')],
      ws.env,
    );
    assert.equal((await readManifest(plain.stdout.trim()))?.slim, undefined, 'without --slim nothing is left out');
  },
);
