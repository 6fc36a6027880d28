/**
 * Layer build: ours (buildLayer, in process) against the tutorial flow (`pip install -r requirements.txt -t python`
 * then `zip -r layer.zip python`, two child processes), on the same generated wheelhouse, interleaved, same run.
 *
 * The wheelhouse imitates real layers where they cost time: 25 packages, thousands of small Python modules,
 * botocore-like JSON data, ELF libraries, incompressible data, `.data/purelib` and `.data/scripts` folders. It is
 * generated once (seeded) and kept in the temp folder between runs. Both flows see the same pip configuration
 * (only the local wheel folder, no index, no pip cache).
 *
 * Lines (medians of RUNS):
 * - build.cold: target = this machine's Python (python3.11 on a 3.11 host), so both sides compile bytecode; our
 *   wheel and bytecode cache is emptied before each run.
 * - build.cold.other: target python3.12 on the 3.11 host: ours ships no bytecode (it would not load), pip -t
 *   still compiles 3.11 bytecode into the naive zip.
 * - build.incremental: one requirement added after a build (its wheel is the only one compiled), against the
 *   naive flow's full rebuild (it has no reuse: its cold run).
 * - build.warm: unchanged inputs: ours reuses the zip; naive: its cold run.
 * - import.cold: a fresh interpreter importing every top-level module of the built layer, extracted and made
 *   read-only (as /opt is on Lambda), ours (hash-based .pyc) against naive (pip's timestamp .pyc, mtimes kept);
 *   `-B` as well, since permissions do not stop root from writing bytecode. Wall time and the interpreter's CPU time.
 * - build.slim: a slim build of the same requirements (caches warm) against the default zip: size, every
 *   top-level module proven by import.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer, type BuildResult } from '../src/layer/build';
import { makeElf } from '../test/fixtures/elf';
import { makeWheelhouse, offlinePipEnv, type WheelSpec } from '../test/fixtures/wheels';
import { median, ratio, run, timed } from './lib';
import { prng } from '../test/fixtures/prng';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IMPORT_RUNS = 9;
const CACHE = join(tmpdir(), 'lambda-layers-bench', 'wheelhouse-v5');
const NATIVE_TAG = 'cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64';
/** The requirement the incremental line adds: a mid-sized pure package. */
const ADDED = 12;

export default async function bench(): Promise<string[]> {
  await ensureZipTool();
  const wheelhouse = await ensureWheelhouse();
  const work = join(tmpdir(), `lambda-layers-bench-run-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)']).toString().trim();
  const hostRuntime = `python3.${execFileSync(python, ['-c', 'import sys; print(sys.version_info[1])']).toString().trim()}`;
  try {
    const names = (await readdir(wheelhouse))
      .filter((f) => f.endsWith('.whl'))
      .map((f) => f.split('-')[0])
      .sort();
    const requirements = join(work, 'requirements.txt');
    await writeFile(requirements, names.map((n) => `${n}==1.0.0`).join('\n') + '\n');
    const minusOne = join(work, 'minus-one', 'requirements.txt');
    await mkdir(join(work, 'minus-one'));
    await writeFile(
      minusOne,
      names
        .filter((_, i) => i !== ADDED)
        .map((n) => `${n}==1.0.0`)
        .join('\n') + '\n',
    );
    const env = offlinePipEnv(wheelhouse);
    const cacheDirectory = join(work, 'cache');

    const naive = async () => {
      const dir = join(work, 'naive');
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir);
      const pip = await timed(() =>
        run(python, ['-m', 'pip', 'install', '-q', '-r', requirements, '-t', 'python'], { cwd: dir, env }),
      );
      const zip = await timed(() => run('zip', ['-q', '-r', 'layer.zip', 'python'], { cwd: dir, env }));
      return { ms: pip.ms + zip.ms, size: (await stat(join(dir, 'layer.zip'))).size, zipPath: join(dir, 'layer.zip') };
    };
    const ours = async (req: string, runtime: string, layerName: string, force = true, slim = false) => {
      const start = performance.now();
      const result: BuildResult = await buildLayer({
        sourcePath: req,
        runtime,
        architecture: 'x86_64',
        layerName,
        outDir: join(work, 'ours'),
        options: { env, force, cacheDirectory, slim },
      });
      return { ms: performance.now() - start, result };
    };
    const emptyCache = () => rm(cacheDirectory, { recursive: true, force: true });

    // Warm-up of both (page cache, pip's imports), then interleaved measured runs.
    await naive();
    await ours(requirements, hostRuntime, 'warmup');
    const naiveRuns: Awaited<ReturnType<typeof naive>>[] = [];
    const cold: Awaited<ReturnType<typeof ours>>[] = [];
    const other: Awaited<ReturnType<typeof ours>>[] = [];
    const incremental: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      naiveRuns.push(await naive());
      await emptyCache();
      cold.push(await ours(requirements, hostRuntime, 'cold'));
      const reuse = await ours(requirements, hostRuntime, 'cold', false);
      if (!reuse.result.reused) throw new Error('warm build did not reuse the zip');
      warm.push(reuse.ms);
      await emptyCache();
      await ours(minusOne, hostRuntime, 'incremental');
      incremental.push((await ours(requirements, hostRuntime, 'incremental')).ms);
      other.push(await ours(requirements, 'python3.12', 'other'));
    }

    const naiveMs = median(naiveRuns.map((r) => r.ms));
    const naiveSize = median(naiveRuns.map((r) => r.size));
    const m = cold[0].result.manifest;
    const deterministic = [cold, other].every((runs) => new Set(runs.map((r) => r.result.manifest.sha256)).size === 1);
    const mb = (b: number) => (b / 1e6).toFixed(1);
    const line = (name: string, runs: { ms: number; result: BuildResult }[], note: string) => {
      const ms = median(runs.map((r) => r.ms));
      const size = median(runs.map((r) => r.result.manifest.zippedSize));
      return `${name} ours/naive time=${ratio(ms, naiveMs)} size=${ratio(size, naiveSize)} ours_ms=${ms.toFixed(0)} naive_ms=${naiveMs.toFixed(0)} ours_mb=${mb(size)} naive_mb=${mb(naiveSize)} runs=${RUNS} ${note}`;
    };
    // Slim once the caches are warm: its size against the default zip of the same inputs, every import proven.
    const slim = (await ours(requirements, hostRuntime, 'slim', true, true)).result.manifest;
    const proof = slim.slim!.verification;
    const slimSize = median(cold.map((r) => r.result.manifest.zippedSize));
    const imports = await importCold(python, work, cold[0].result.zipPath, naiveRuns[0].zipPath, names);
    return [
      line(
        'build.cold',
        cold,
        `runtime=${hostRuntime} bytecode=both packages=${m.packages.length} files=${m.fileCount} installed_mb=${mb(m.unzippedSize)} deterministic=${deterministic ? 'yes' : 'NO'}`,
      ),
      line(
        'build.cold.other',
        other,
        'runtime=python3.12 (ours: no bytecode for another Python; naive: 3.11 bytecode)',
      ),
      `build.slim size ours-slim/ours-default=${ratio(slim.zippedSize, slimSize)} slim_mb=${mb(slim.zippedSize)} default_mb=${mb(slimSize)} left_out_files=${slim.slim!.removedFiles} left_out_mb=${mb(slim.slim!.removedBytes)} kept_back=${slim.slim!.keptBack.length} proven=${proof.verified.length}/${proof.verified.length + proof.unverifiable.length}${proof.skipped ? ' NOT VERIFIED' : ''} vs_naive=${ratio(slim.zippedSize, naiveSize)}`,
      `build.incremental ours/naive time=${ratio(median(incremental), naiveMs)} ours_ms=${median(incremental).toFixed(0)} naive_ms=${naiveMs.toFixed(0)} runs=${RUNS} (one requirement added; naive rebuilds in full)`,
      `build.warm ours/naive time=${ratio(median(warm), naiveMs)} ours_ms=${median(warm).toFixed(1)} naive_ms=${naiveMs.toFixed(0)} runs=${RUNS} (naive has no reuse: its rerun is its cold run)`,
      `import.cold ours/naive time=${ratio(imports.ours, imports.naive)} cpu=${ratio(imports.oursCpu, imports.naiveCpu)} ours_ms=${imports.ours.toFixed(0)} naive_ms=${imports.naive.toFixed(0)} ours_cpu_ms=${imports.oursCpu.toFixed(0)} naive_cpu_ms=${imports.naiveCpu.toFixed(0)} modules=${imports.modules} runs=${IMPORT_RUNS} (fresh interpreter, read-only copy, -B)`,
    ];
  } finally {
    await run('chmod', ['-R', 'u+w', work]).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

/** Both zips extracted (unzip keeps naive's mtimes, so its timestamp .pyc stay valid) and made read-only. */
async function importCold(python: string, work: string, oursZip: string, naiveZip: string, names: string[]) {
  const modules = names.flatMap((n) => [n, ...(DATA_PACKAGES.has(Number(n.slice(5, 7))) ? [`${n}_extra`] : [])]);
  // The interpreter's own CPU time (startup and imports) as well: a loaded machine stretches the wall time of
  // whichever side waits for a core, not the work done.
  const script = `import sys\nsys.path.insert(0, sys.argv[1])\n${modules.map((n) => `import ${n}`).join('\n')}\nimport resource\nr = resource.getrusage(resource.RUSAGE_SELF)\nprint(r.ru_utime + r.ru_stime)\n`;
  const dirs: string[] = [];
  for (const [name, zip] of [
    ['ours', oursZip],
    ['naive', naiveZip],
  ] as const) {
    const dir = join(work, `import-${name}`);
    await rm(dir, { recursive: true, force: true });
    await run('unzip', ['-q', zip, '-d', dir]);
    await run('chmod', ['-R', 'a-w', dir]);
    dirs.push(join(dir, 'python'));
  }
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const once = async (dir: string) => {
    const { ms, value } = await timed(() => run(python, ['-I', '-B', '-c', script, dir], { env }));
    return { ms, cpuMs: Number(value.trim().split('\n').pop()) * 1000 };
  };
  await once(dirs[0]);
  await once(dirs[1]);
  const ours: { ms: number; cpuMs: number }[] = [];
  const naive: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < IMPORT_RUNS; i++) {
    // Alternating which goes first, so neither always runs right after the other's page-cache work.
    if (i % 2) naive.push(await once(dirs[1]));
    ours.push(await once(dirs[0]));
    if (!(i % 2)) naive.push(await once(dirs[1]));
  }
  const med = (xs: { ms: number; cpuMs: number }[], key: 'ms' | 'cpuMs') => median(xs.map((x) => x[key]));
  return {
    ours: med(ours, 'ms'),
    naive: med(naive, 'ms'),
    oursCpu: med(ours, 'cpuMs'),
    naiveCpu: med(naive, 'cpuMs'),
    modules: modules.length,
  };
}

async function ensureZipTool(): Promise<void> {
  if (
    await run('zip', ['-v']).then(
      () => true,
      () => false,
    )
  )
    return;
  await run('apt-get', ['install', '-y', 'zip']).catch((e) => {
    throw new Error(
      `the naive flow needs Info-ZIP "zip" (apt-get install -y zip): ${e instanceof Error ? e.message : e}`,
    );
  });
}

export async function ensureWheelhouse(): Promise<string> {
  const done = join(CACHE, '.complete');
  if (existsSync(done)) return CACHE;
  await rm(CACHE, { recursive: true, force: true });
  process.stderr.write(`generating the benchmark wheelhouse in ${CACHE} …\n`);
  await makeWheelhouse(CACHE, packageSpecs());
  await writeFile(done, new Date().toISOString());
  return CACHE;
}

const WORDS = (
  'request response client session config value result data item name type error handler resource service ' +
  'operation shape member input output table index array matrix vector dtype buffer stream token key cipher ' +
  'hash digest signature params options context state cache entry record field model schema validate parse ' +
  'serialize encode decode load dump read write open close start stop retry timeout region endpoint credential ' +
  'policy bucket object query filter page marker limit count offset size length width height shape axis'
).split(' ');

type Rand = () => number;
const pick = <T>(r: Rand, xs: T[]): T => xs[Math.floor(r() * xs.length)];
const ident = (r: Rand) => `${pick(r, WORDS)}_${pick(r, WORDS)}${r() < 0.3 ? Math.floor(r() * 100) : ''}`;
const words = (r: Rand, n: number) => Array.from({ length: n }, () => pick(r, WORDS)).join(' ');

/** Valid, varied Python, about `bytes` long. */
function pySource(r: Rand, bytes: number): string {
  const out = [
    `"""${words(r, 12)}.\n\n${words(r, 30)}\n"""`,
    'import os',
    'import sys',
    'from typing import Any, Optional',
    '',
  ];
  let len = out.join('\n').length;
  while (len < bytes) {
    const cls = ident(r).replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase());
    const block = [
      `${ident(r).toUpperCase()} = ${Math.floor(r() * 1e6)}`,
      `# ${words(r, 12)}`,
      `# ${words(r, 10)}`,
      `class ${cls}(object):`,
      `    """${words(r, 10)}.\n\n    ${words(r, 14)}\n    ${words(r, 14)}\n    ${words(r, 14)}\n\n    :param ${ident(r)}: ${words(r, 12)}\n    """`,
      '',
      `    def __init__(self, ${ident(r)}, ${ident(r)}_opt=None):`,
      `        self.${ident(r)} = ${Math.floor(r() * 1000)}`,
      `        self._cache = {${JSON.stringify(pick(r, WORDS))}: ${Math.floor(r() * 1e4)}, ${JSON.stringify(ident(r))}: ${JSON.stringify(words(r, 3))}}`,
      '',
      `    def ${ident(r)}(self, value, limit=${Math.floor(r() * 100)}):`,
      `        """${words(r, 8)}.\n\n        ${words(r, 12)}\n        ${words(r, 12)}\n        """`,
      `        # ${words(r, 9)}`,
      `        if value > ${Math.floor(r() * 500)}:`,
      `            return self._cache.get(${JSON.stringify(ident(r))}, value * ${Math.floor(r() * 9) + 2})`,
      '        for i in range(limit):',
      `            value += i % ${Math.floor(r() * 13) + 2}`,
      `        return "${words(r, 4)} %d" % value`,
      '',
      '',
    ].join('\n');
    out.push(block);
    len += block.length + 1;
  }
  return out.join('\n');
}

/** botocore-like service JSON, about `bytes` long. */
function jsonData(r: Rand, bytes: number): string {
  const operations: Record<string, unknown> = {};
  const shapes: Record<string, unknown> = {};
  let len = 0;
  while (len < bytes) {
    const op = ident(r).replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase());
    const entry = {
      name: op,
      http: { method: pick(r, ['GET', 'POST', 'PUT', 'DELETE']), requestUri: `/${pick(r, WORDS)}/{${pick(r, WORDS)}}` },
      input: { shape: `${op}Request` },
      output: { shape: `${op}Response` },
      documentation: `<p>${words(r, 25 + Math.floor(r() * 40))}.</p>`,
    };
    operations[op] = entry;
    shapes[`${op}Request`] = {
      type: 'structure',
      members: { [ident(r)]: { shape: pick(r, WORDS), documentation: `<p>${words(r, 12)}</p>` } },
    };
    len += JSON.stringify(entry).length * 2;
  }
  return JSON.stringify(
    { version: '2.0', metadata: { apiVersion: '2024-01-01', protocol: 'json' }, operations, shapes },
    null,
    2,
  );
}

/** An ELF shared object (x86_64, glibc 2.17) padded with machine-code-like bytes: repeated motifs among noise. */
function nativeLib(r: Rand, bytes: number): Buffer {
  const head = makeElf({ versions: { 'libc.so.6': ['GLIBC_2.2.5', 'GLIBC_2.17'] } });
  const body = Buffer.alloc(bytes);
  head.copy(body);
  const motifs = Array.from({ length: 512 }, () => randomBuffer(r, 16));
  for (let off = head.length; off + 16 <= bytes; off += 16) {
    if (r() < 0.75) pick(r, motifs).copy(body, off);
    else randomBuffer(r, 16).copy(body, off);
  }
  return body;
}

function randomBuffer(r: Rand, bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 4) b.writeUInt32LE(Math.floor(r() * 4294967296), Math.min(i, bytes - 4));
  return b;
}

/** C header text (what numpy ships under `_core/include`), about `bytes` long. */
function cHeader(r: Rand, bytes: number): string {
  const out = ['#pragma once', '#include <stddef.h>', ''];
  let len = 0;
  while (len < bytes) {
    const fn = ident(r);
    const line = `/* ${words(r, 10)} */\nNPY_API int ${fn}(const void *${ident(r)}, size_t ${ident(r)}, int flags);\n#define ${fn.toUpperCase()}_MAX ${Math.floor(r() * 1e6)}\n`;
    out.push(line);
    len += line.length;
  }
  return out.join('\n');
}

/**
 * A test suite as the imitated packages ship theirs: `tests` packages (with `__init__.py` and a `conftest.py`)
 * of test modules 1–50 KB, in the package and in some of its subpackages, with data files.
 */
function testSuite(
  r: Rand,
  files: Record<string, string | Uint8Array>,
  name: string,
  modules: number,
  dirs: string[],
  data: number,
): void {
  files[`${name}/conftest.py`] = pySource(r, 1500);
  for (const dir of dirs) files[`${name}/${dir ? `${dir}/` : ''}tests/__init__.py`] = '';
  for (let i = 0; i < modules; i++) {
    const dir = dirs[i % dirs.length];
    files[`${name}/${dir ? `${dir}/` : ''}tests/test_${ident(r)}_${i}.py`] = pySource(
      r,
      1000 + Math.floor(r() * 49000),
    );
  }
  for (let i = 0; data > 0 && i < 6; i++) {
    files[`${name}/tests/data/${ident(r)}-${i}.csv`] = words(r, Math.floor(data / 2 / 6 / 6));
    files[`${name}/tests/data/${ident(r)}-${i}.npy`] = randomBuffer(r, Math.floor(data / 2 / 6));
  }
}

/** Packages that also install a module through `.data/purelib` and carry a script in `.data/scripts`. */
const DATA_PACKAGES = new Set([9, 14]);

/**
 * 25 packages: one data-heavy (botocore-like, ~2,800 JSON files), seven with native libraries
 * (numpy/cryptography/pydantic-core-like), the rest pure Python; about 3,400 modules of 1–15 KB. Each package's
 * __init__ imports its root modules and three of its subpackages (each importing its own modules), as real
 * packages import much of themselves at import time.
 *
 * What a slim build leaves out is shaped after the real wheels each imitates (measured on installed packages,
 * docs/benchmarks.md): every package has `.pyi` stubs; the numpy-like one (1) ships test suites in five
 * subpackages with data (about a quarter of its installed bytes, as numpy's 24 %) and C headers; every third pure
 * package (sympy/networkx-like) tests of about 45 % of its bytes; the botocore-like one and the other native ones
 * (cryptography, pydantic-core: under 1 % removable) nothing more.
 */
function packageSpecs(): WheelSpec[] {
  const specs: WheelSpec[] = [];
  for (let p = 0; p < 25; p++) {
    const r = prng(1000 + p);
    const name = `bench${String(p).padStart(2, '0')}_${pick(r, WORDS)}`;
    const files: Record<string, string | Uint8Array> = {};
    const py = p === 0 ? 600 : p <= 7 ? 150 : 60 + Math.floor(r() * 80);
    const imports = new Map<string, string[]>([['', []]]);
    for (let i = 0; i < py; i++) {
      const sub = i % 5 ? `sub${i % 7}` : '';
      const mod = `${ident(r)}_${i}`;
      files[`${name}/${sub ? `${sub}/` : ''}${mod}.py`] = pySource(r, 1000 + Math.floor(r() * 14000));
      imports.set(sub, [...(imports.get(sub) ?? []), mod]);
    }
    for (const [sub, mods] of imports) {
      const imported = sub === '' || ['sub1', 'sub2', 'sub3'].includes(sub) ? mods : [];
      const subs = sub === '' ? ['sub1', 'sub2', 'sub3'].filter((s) => imports.has(s)) : [];
      files[`${name}/${sub ? `${sub}/` : ''}__init__.py`] = [...imported, ...subs]
        .map((m) => `from . import ${m}\n`)
        .join('');
    }
    for (let i = 0; i < (p === 0 ? 80 : 12); i++)
      files[`${name}/${ident(r)}_${i}.pyi`] = `def ${ident(r)}(x: int) -> int: ...\n`.repeat(40);
    files[`${name}/py.typed`] = '';
    if (p === 0) {
      for (let i = 0; i < 2800; i++)
        files[`${name}/data/${ident(r)}-${i}/service-2.json`] = jsonData(r, 3000 + Math.floor(r() * 16000));
    }
    if (p >= 1 && p <= 7) {
      const libs = p === 1 ? [10e6, 6e6, 3e6, 2e6] : [p % 2 ? 4e6 : 2e6, 1e6];
      libs.forEach(
        (size, i) => (files[`${name}/${i === 0 ? '_core' : `_ext${i}`}.abi3.so`] = nativeLib(r, Math.floor(size))),
      );
      files[`${name}.libs/lib${pick(r, WORDS)}-${p}a1b2.so.1`] = nativeLib(r, p === 1 ? 8e6 : 1e6);
    }
    if (p === 1 || p === 9 || p === 14) {
      for (let i = 0; i < 3; i++) files[`${name}/data/blob${i}.npz`] = randomBuffer(r, p === 1 ? 1.5e6 : 0.6e6);
    }
    if (p === 1) {
      testSuite(r, files, name, 160, ['', 'sub1', 'sub2', 'sub3', 'sub4'], 1.5e6);
      for (let i = 0; i < 25; i++) files[`${name}/_core/include/${name}/${ident(r)}_${i}.h`] = cHeader(r, 20000);
    }
    if (p >= 8 && p % 3 === 1) testSuite(r, files, name, Math.round(py * 0.27), ['', 'sub1', 'sub4'], 0);
    if (DATA_PACKAGES.has(p)) {
      files[`${name}-1.0.0.data/purelib/${name}_extra.py`] = pySource(r, 6000);
      files[`${name}-1.0.0.data/scripts/${name}-cli`] = `#!python\nimport ${name}\n`;
    }
    specs.push({ name, version: '1.0.0', tag: p >= 1 && p <= 7 ? NATIVE_TAG : 'py3-none-any', files });
  }
  return specs;
}
