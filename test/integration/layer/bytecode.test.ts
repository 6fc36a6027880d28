import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compileWheels, type WheelCompileJob } from '../../../src/layer/bytecode';
import { CancelledError } from '../../../src/util/errors';
import { makeWheel } from '../../fixtures/wheels';
import { readZip } from '../../fixtures/zipRead';

const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)']).toString().trim();
const cacheTag = execFileSync(python, ['-c', 'import sys; print(sys.implementation.cache_tag)']).toString().trim();

/** A module of about `lines` functions, so workers have something to share. */
function module(seed: number, lines: number): string {
  return Array.from({ length: lines }, (_, i) => `def f${i}(x):\n    return x * ${seed} + ${i}\n`).join('');
}

let dir: string;
let alpha: string;
let beta: string;
let heavy: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'll-bytecode-'));
  const write = async (spec: Parameters<typeof makeWheel>[0]) => {
    const wheel = await makeWheel(spec);
    await writeFile(join(dir, wheel.fileName), wheel.data);
    return join(dir, wheel.fileName);
  };
  const alphaFiles: Record<string, string> = {
    'alpha/__init__.py': 'from .core import VALUE\n',
    // A frozenset constant: marshalled in hash order before Python 3.11, hence the fixed PYTHONHASHSEED.
    'alpha/core.py': 'VALUE = 1\n\ndef known(x):\n    return x in {"a", "b", "c", "d", "e", "f"}\n',
    'alpha/broken.py': 'def broken(:\n',
    'alpha/sub/__init__.py': '',
    'alpha-1.0.data/purelib/alpha_extra.py': 'Y = 2\n',
  };
  for (let i = 0; i < 8; i++) alphaFiles[`alpha/mod${i}.py`] = module(i, 20 + i * 30);
  alpha = await write({ name: 'alpha', version: '1.0', files: alphaFiles });
  beta = await write({
    name: 'beta',
    version: '1.0',
    files: { 'beta/__init__.py': module(99, 50), 'beta/u.py': 'Z = 3\n' },
  });
  const heavyFiles: Record<string, string> = {};
  for (let i = 0; i < 300; i++) heavyFiles[`heavy/m${i}.py`] = module(i, 400);
  heavy = await write({ name: 'heavy', version: '1.0', files: heavyFiles });
});
after(() => rm(dir, { recursive: true, force: true }));

/** Every .py of the wheel, installed where the test maps it. */
async function jobFor(wheel: string, out: string, place = (name: string) => name): Promise<WheelCompileJob> {
  const listing = execFileSync(python, [
    '-c',
    'import json, sys, zipfile; print(json.dumps([[i.filename, i.file_size] for i in zipfile.ZipFile(sys.argv[1]).infolist() if i.filename.endswith(".py")]))',
    wheel,
  ]).toString();
  const files = (JSON.parse(listing) as [string, number][]).map(([name, size]) => ({ name, path: place(name), size }));
  return { wheel, out, temp: `${out}.0123456789ab.part`, files };
}

async function compileInto(name: string, workers: number): Promise<string> {
  const outDir = join(dir, name);
  await mkdir(outDir);
  const jobs = [
    await jobFor(alpha, join(outDir, 'alpha.zip'), (n) => n.replace('alpha-1.0.data/purelib/', '')),
    await jobFor(beta, join(outDir, 'beta.zip')),
  ];
  await compileWheels(python, jobs, process.env, undefined, workers);
  return outDir;
}

test('the bytecode zips are the same bytes with 1, 2 or 3 workers and from run to run; a file that does not compile is left out', async () => {
  const runs = [
    await compileInto('w1', 1),
    await compileInto('w2', 2),
    await compileInto('w3', 3),
    await compileInto('w3-again', 3),
  ];
  for (const run of runs)
    assert.deepEqual((await readdir(run)).sort(), ['alpha.zip', 'beta.zip'], 'no temp file is left');
  for (const zip of ['alpha.zip', 'beta.zip']) {
    const first = await readFile(join(runs[0], zip));
    for (const run of runs.slice(1)) assert.ok(first.equals(await readFile(join(run, zip))), `${run}/${zip}`);
  }
  const entries = await readZip(join(runs[0], 'alpha.zip'));
  assert.deepEqual(
    entries.map((e) => e.name),
    [
      `alpha/__pycache__/__init__.${cacheTag}.pyc`,
      `alpha/__pycache__/core.${cacheTag}.pyc`,
      ...Array.from({ length: 8 }, (_, i) => `alpha/__pycache__/mod${i}.${cacheTag}.pyc`),
      `alpha/sub/__pycache__/__init__.${cacheTag}.pyc`,
      `__pycache__/alpha_extra.${cacheTag}.pyc`,
    ].sort(),
    'sorted by name, broken.py left out',
  );
  for (const e of entries) {
    assert.equal(e.mode, 0o100644, e.name);
    assert.equal(e.method, 8, e.name);
    assert.deepEqual([e.date.getFullYear(), e.date.getMonth(), e.date.getDate()], [1980, 0, 1], e.name);
    assert.equal(e.data.readUInt32LE(4), 1, `${e.name} is unchecked-hash`);
  }
  // The source path is where the layer puts it on Lambda, and the hash is the source's.
  const check = execFileSync(python, [
    '-c',
    [
      'import importlib.util, marshal, sys, zipfile',
      'z, w = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])',
      'pyc = z.read("__pycache__/alpha_extra." + sys.implementation.cache_tag + ".pyc")',
      'print(marshal.loads(pyc[16:]).co_filename, pyc[8:16] == importlib.util.source_hash(w.read("alpha-1.0.data/purelib/alpha_extra.py")))',
    ].join('\n'),
    join(runs[0], 'alpha.zip'),
    alpha,
  ]);
  assert.equal(check.toString().trim(), '/opt/python/alpha_extra.py True');
});

/** This process's child processes that are Python (the workers). */
async function pythonChildren(): Promise<string[]> {
  const { stdout } = await promisify(execFile)('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)]);
  return stdout.split('\n').filter((l) => /python/.test(l));
}

test(
  'a cancel kills the workers and leaves no file, not even a temp file',
  { skip: process.platform !== 'linux' },
  async () => {
    const outDir = join(dir, 'cancelled');
    await mkdir(outDir);
    const controller = new AbortController();
    const compiling = compileWheels(
      python,
      [await jobFor(heavy, join(outDir, 'heavy.zip'))],
      process.env,
      controller.signal,
      2,
    );
    let settled = false;
    compiling.catch(() => undefined).finally(() => (settled = true));
    while (!settled && (await pythonChildren()).length < 2) await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'both workers were running when the cancel came');
    controller.abort();
    await assert.rejects(compiling, CancelledError);
    assert.deepEqual(await readdir(outDir), []);
    assert.deepEqual(await pythonChildren(), [], 'no worker outlives the cancel');
  },
);

test('a cancel after one wheel is done keeps its complete zip and leaves nothing of the others', async () => {
  const outDir = join(dir, 'cancelled-later');
  await mkdir(outDir);
  const controller = new AbortController();
  const jobs = [await jobFor(beta, join(outDir, 'beta.zip')), await jobFor(heavy, join(outDir, 'heavy.zip'))];
  const compiling = compileWheels(python, jobs, process.env, controller.signal, 2);
  let settled = false;
  compiling.catch(() => undefined).finally(() => (settled = true));
  while (!settled && !(await readdir(outDir)).includes('beta.zip')) await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, 'the heavy wheel was still compiling when the cancel came');
  controller.abort();
  await assert.rejects(compiling, CancelledError);
  assert.deepEqual(await readdir(outDir), ['beta.zip']);
  assert.deepEqual(
    (await readZip(join(outDir, 'beta.zip'))).map((e) => e.name),
    [`beta/__pycache__/__init__.${cacheTag}.pyc`, `beta/__pycache__/u.${cacheTag}.pyc`],
  );
});

test('a worker that fails stops the others and fails the build with its error; no zip and no temp file is left', async () => {
  const outDir = join(dir, 'failed');
  await mkdir(outDir);
  const good = await jobFor(alpha, join(outDir, 'alpha.zip'));
  const missing = { ...(await jobFor(beta, join(outDir, 'beta.zip'))), wheel: join(dir, 'gone.whl') };
  // The failing job comes first: every worker fails before any job is complete.
  await assert.rejects(compileWheels(python, [missing, good], process.env, undefined, 2), /compiling bytecode failed/);
  assert.deepEqual(await readdir(outDir), []);
});
