/**
 * Layer build: ours (buildLayer, in process) against the tutorial flow (`pip install -r requirements.txt -t python`
 * then `zip -r layer.zip python`, two child processes), on the same generated wheelhouse, alternating, same run.
 *
 * The wheelhouse imitates the mix of real layers (boto3/numpy/cryptography-like): 25 packages, ~4,900 files,
 * ~140 MB installed: Python sources, botocore-like JSON data, ELF libraries that compress about 2.5×, and some
 * incompressible data. It is generated once (seeded) and kept in the temp folder between runs.
 * Both flows see the same pip configuration (only the local wheel folder, no index, no pip cache).
 *
 * The main lines use runtime python3.12 on this machine's Python 3.11: no bytecode in our zip (it would not load),
 * while pip -t compiles 3.11 bytecode into the naive zip. A second line shows python3.11 as the target, where ours
 * adds hash-based bytecode too. "warm" is an unchanged rerun: ours reuses the zip; the tutorial flow has no reuse,
 * so its rerun costs what its cold run costs and the cold median is its denominator.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer, type BuildResult } from '../src/layer/build';
import { makeElf } from '../test/fixtures/elf';
import { makeWheelhouse, offlinePipEnv, type WheelSpec } from '../test/fixtures/wheels';
import { median, ratio, run, timed } from './lib';
import { prng } from '../test/fixtures/prng';

const RUNS = 5;
const CACHE = join(tmpdir(), 'lambda-layers-bench', 'wheelhouse-v3');
const NATIVE_TAG = 'cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64';

export default async function bench(): Promise<string[]> {
  await ensureZipTool();
  const wheelhouse = await ensureWheelhouse();
  const work = join(tmpdir(), `lambda-layers-bench-run-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const names = (await readdir(wheelhouse)).filter((f) => f.endsWith('.whl')).map((f) => f.split('-')[0]);
    const requirements = join(work, 'requirements.txt');
    await writeFile(requirements, names.map((n) => `${n}==1.0.0`).join('\n') + '\n');
    const env = offlinePipEnv(wheelhouse);

    const naive = async () => {
      const dir = join(work, 'naive');
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir);
      const pip = await timed(() => run('python3', ['-m', 'pip', 'install', '-q', '-r', requirements, '-t', 'python'], { cwd: dir, env }));
      const zip = await timed(() => run('zip', ['-q', '-r', 'layer.zip', 'python'], { cwd: dir, env }));
      return { ms: pip.ms + zip.ms, pipMs: pip.ms, zipMs: zip.ms, size: (await stat(join(dir, 'layer.zip'))).size };
    };
    const ours = async (runtime: string, force: boolean) => {
      const marks: Record<string, number> = {};
      const start = performance.now();
      const result: BuildResult = await buildLayer(
        { requirementsPath: requirements, runtime, architecture: 'x86_64', layerName: `bench-${runtime.replace('.', '')}`, outDir: join(work, 'ours'), options: { env, force } },
        { progress: (p) => (marks[p.message.split(' ')[0]] ??= performance.now() - start) },
      );
      return { ms: performance.now() - start, result, marks };
    };

    // Warm-up of both (page cache, pip's imports), then alternating measured runs.
    await naive();
    await ours('python3.12', true);
    const naiveRuns: Awaited<ReturnType<typeof naive>>[] = [];
    const oursRuns: Awaited<ReturnType<typeof ours>>[] = [];
    const bytecodeRuns: Awaited<ReturnType<typeof ours>>[] = [];
    const warmRuns: number[] = [];
    // Interleaved, so load from other processes on the machine affects every flow alike.
    for (let i = 0; i < RUNS; i++) {
      naiveRuns.push(await naive());
      oursRuns.push(await ours('python3.12', true));
      const warm = await ours('python3.12', false);
      if (!warm.result.reused) throw new Error('warm build did not reuse the zip');
      warmRuns.push(warm.ms);
      bytecodeRuns.push(await ours('python3.11', true));
    }

    const m = oursRuns[0].result.manifest;
    const naiveMs = median(naiveRuns.map((r) => r.ms));
    const naiveSize = median(naiveRuns.map((r) => r.size));
    const oursMs = median(oursRuns.map((r) => r.ms));
    const oursSize = median(oursRuns.map((r) => r.result.manifest.zippedSize));
    const bcMs = median(bytecodeRuns.map((r) => r.ms));
    const bcSize = median(bytecodeRuns.map((r) => r.result.manifest.zippedSize));
    const deterministic = new Set(oursRuns.map((r) => r.result.manifest.sha256)).size === 1 && new Set(bytecodeRuns.map((r) => r.result.manifest.sha256)).size === 1;
    const phase = (runs: typeof oursRuns, from: string, to: string) => median(runs.map((r) => (r.marks[to] ?? r.ms) - (r.marks[from] ?? 0))).toFixed(0);
    const mb = (b: number) => (b / 1e6).toFixed(1);
    return [
      `build.cold ours/naive time=${ratio(oursMs, naiveMs)} size=${ratio(oursSize, naiveSize)} ours_ms=${oursMs.toFixed(0)} naive_ms=${naiveMs.toFixed(0)} ` +
        `ours_mb=${mb(oursSize)} naive_mb=${mb(naiveSize)} runtime=python3.12 runs=${RUNS} packages=${m.packages.length} files=${m.fileCount} installed_mb=${mb(m.unzippedSize)} deterministic=${deterministic ? 'yes' : 'NO'}`,
      `build.warm ours/naive time=${ratio(median(warmRuns), naiveMs)} ours_ms=${median(warmRuns).toFixed(1)} naive_ms=${naiveMs.toFixed(0)} runs=${RUNS} (naive has no reuse: its rerun is its cold run)`,
      `build.cold.bytecode ours/naive time=${ratio(bcMs, naiveMs)} size=${ratio(bcSize, naiveSize)} ours_ms=${bcMs.toFixed(0)} ours_mb=${mb(bcSize)} runtime=python3.11 runs=${RUNS} (hash-based .pyc included, as in the naive zip)`,
      `build.phases ours_ms install=${phase(oursRuns, 'Preparing', 'Installed')} check=${phase(oursRuns, 'Installed', 'Zipping')} zip=${phase(oursRuns, 'Zipping', 'Built')} ` +
        `naive_ms pip=${median(naiveRuns.map((r) => r.pipMs)).toFixed(0)} zip=${median(naiveRuns.map((r) => r.zipMs)).toFixed(0)}`,
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function ensureZipTool(): Promise<void> {
  if (await run('zip', ['-v']).then(() => true, () => false)) return;
  await run('apt-get', ['install', '-y', 'zip']).catch((e) => {
    throw new Error(`the naive flow needs Info-ZIP "zip" (apt-get install -y zip): ${e instanceof Error ? e.message : e}`);
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
  const out = [`"""${words(r, 12)}.\n\n${words(r, 30)}\n"""`, 'import os', 'import sys', 'from typing import Any, Optional', ''];
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
    shapes[`${op}Request`] = { type: 'structure', members: { [ident(r)]: { shape: pick(r, WORDS), documentation: `<p>${words(r, 12)}</p>` } } };
    len += JSON.stringify(entry).length * 2;
  }
  return JSON.stringify({ version: '2.0', metadata: { apiVersion: '2024-01-01', protocol: 'json' }, operations, shapes }, null, 2);
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

/**
 * 25 packages: one data-heavy (botocore-like, ~2,800 JSON files), seven with native libraries
 * (numpy/cryptography/pydantic-core-like), the rest pure Python of various sizes.
 */
function packageSpecs(): WheelSpec[] {
  const specs: WheelSpec[] = [];
  for (let p = 0; p < 25; p++) {
    const r = prng(1000 + p);
    const name = `bench${String(p).padStart(2, '0')}_${pick(r, WORDS)}`;
    const files: Record<string, string | Uint8Array> = {};
    const py = p === 0 ? 380 : p <= 7 ? 90 : 20 + Math.floor(r() * 25);
    for (let i = 0; i < py; i++) {
      files[`${name}/${i % 5 ? `sub${i % 7}/` : ''}${ident(r)}_${i}.py`] = pySource(r, 2000 + Math.floor(r() * 38000));
    }
    for (let i = 0; i < (p === 0 ? 80 : 12); i++) files[`${name}/${ident(r)}_${i}.pyi`] = `def ${ident(r)}(x: int) -> int: ...\n`.repeat(40);
    files[`${name}/py.typed`] = '';
    if (p === 0) {
      for (let i = 0; i < 2800; i++) files[`${name}/data/${ident(r)}-${i}/service-2.json`] = jsonData(r, 3000 + Math.floor(r() * 16000));
    }
    if (p >= 1 && p <= 7) {
      const libs = p === 1 ? [10e6, 6e6, 3e6, 2e6] : [p % 2 ? 4e6 : 2e6, 1e6];
      libs.forEach((size, i) => (files[`${name}/${i === 0 ? '_core' : `_ext${i}`}.abi3.so`] = nativeLib(r, Math.floor(size))));
      files[`${name}.libs/lib${pick(r, WORDS)}-${p}a1b2.so.1`] = nativeLib(r, p === 1 ? 8e6 : 1e6);
    }
    if (p === 1 || p === 9 || p === 14) {
      for (let i = 0; i < 3; i++) files[`${name}/data/blob${i}.npz`] = randomBuffer(r, p === 1 ? 1.5e6 : 0.6e6);
    }
    specs.push({ name, version: '1.0.0', tag: p >= 1 && p <= 7 ? NATIVE_TAG : 'py3-none-any', files });
  }
  return specs;
}
