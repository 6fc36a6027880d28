/**
 * What users download and wait for: the VSIX and the activation of the bundled extension in it.
 *
 * The working tree (tracked and untracked files, minus .gitignore'd ones: a clean checkout plus local work)
 * is copied to a temp folder and packaged there with the `package` script (`esbuild --production` then
 * `vsce package --no-dependencies`), so the shared dist/ is left alone. The VSIX's files are listed on stderr.
 *
 * Activation runs the production dist/extension.js from that package in fresh plain-Node processes with a
 * fake `vscode` module (bench/fakeVscode.ts): `ms` is require + activate(context), the span VS Code
 * reports as activation time; `ready_ms` adds the connection activate starts (the in-process local
 * endpoint), after which the views can load; `first_refresh_ms` is the first `lambdaLayers.refresh` after that
 * (what activation defers to first use must not make it visibly slower). No editor is started, so VS Code's
 * own work is not counted.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import * as yauzl from 'yauzl';
import { stageWorkingTree } from '../test/vscode/lib/vsix';
import { median, run } from './lib';

const RUNS = 9;
/** Paths that must never ship; the bench fails when the VSIX holds one. */
const UNNEEDED = [
  /^extension\/(src|test|bench|scripts|docs|out|node_modules|\.test-output|\.cache|media\/(screenshots|product))\//,
  /\.map$/,
  /\.ts$/,
];

export default async function bench(): Promise<string[]> {
  const work = await mkdtemp(join(tmpdir(), 'll-bench-extension-'));
  try {
    const stage = join(work, 'stage');
    await stageWorkingTree(stage);
    const vsix = join(work, 'lambda-layers.vsix');
    await run('npm', ['run', '--silent', 'package', '--', '-o', vsix], { cwd: stage });
    const vsixLines = await describeVsix(vsix);
    const activateLine = await measureActivation(join(stage, 'dist', 'extension.js'), work);
    return [activateLine, ...vsixLines];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function describeVsix(vsix: string): Promise<string[]> {
  const bytes = (await stat(vsix)).size;
  const entries = await listZip(vsix);
  const unpacked = entries.reduce((sum, e) => sum + e.size, 0);
  process.stderr.write(`VSIX ${bytes} bytes, ${entries.length} files:\n`);
  for (const e of [...entries].sort((a, b) => b.size - a.size))
    process.stderr.write(`  ${String(e.size).padStart(9)}  ${e.name}\n`);
  const unneeded = entries.filter((e) => UNNEEDED.some((re) => re.test(e.name)));
  if (unneeded.length)
    throw new Error(`the VSIX ships files it does not need: ${unneeded.map((e) => e.name).join(', ')}`);
  const size = (name: string) => entries.find((e) => e.name === `extension/dist/${name}`)?.size ?? 0;
  return [
    `vsix bytes=${bytes} files=${entries.length} unpacked_bytes=${unpacked} extension_js_bytes=${size('extension.js')} extension_lazy_js_bytes=${size('extension-lazy.js')} aws_sdk_js_bytes=${size('aws-sdk.js')}`,
  ];
}

function listZip(file: string): Promise<{ name: string; size: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error(`cannot open ${file}`));
      const entries: { name: string; size: number }[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        entries.push({ name: e.fileName, size: e.uncompressedSize });
        zip.readEntry();
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

interface Activation {
  requireMs: number;
  activateMs: number;
  activateCpuMs: number;
  readyMs: number;
  refreshMs: number;
  state: string;
  explorer: string;
  commands: number;
  missing: string[];
  log: string[];
}

async function measureActivation(extensionJs: string, work: string): Promise<string> {
  const host = join(work, 'activate-host.cjs');
  await esbuild.build({
    entryPoints: [join(__dirname, 'activateHost.ts')],
    outfile: host,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  const once = async (i: number): Promise<Activation> => {
    const storage = join(work, `storage-${i}`);
    const out = await run(process.execPath, [host, extensionJs, storage]);
    await rm(storage, { recursive: true, force: true });
    const result = JSON.parse(out.trim().split('\n').pop()!) as Activation;
    if (result.missing.length)
      throw new Error(`activation used vscode API the fake lacks: ${[...new Set(result.missing)].join(', ')}`);
    if (result.state !== 'ready')
      throw new Error(`the connection ended in state ${result.state}: ${result.log.join('\n')}`);
    if (result.explorer !== 'ready')
      throw new Error(
        `the explorer ended in state ${result.explorer} after the first refresh: ${result.log.join('\n')}`,
      );
    return result;
  };
  await once(-1); // warm-up: the OS file cache
  const runs: Activation[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once(i));
  const ms = (pick: (r: Activation) => number) => median(runs.map(pick)).toFixed(0);
  const totals = runs.map((r) => r.requireMs + r.activateMs);
  return (
    `activate ms=${ms((r) => r.requireMs + r.activateMs)} cpu_ms=${ms((r) => r.activateCpuMs)} require_ms=${ms((r) => r.requireMs)} activate_call_ms=${ms((r) => r.activateMs)} ` +
    `ready_ms=${ms((r) => r.readyMs)} first_refresh_ms=${ms((r) => r.refreshMs)} range=${Math.min(...totals).toFixed(0)}-${Math.max(...totals).toFixed(0)} runs=${RUNS} ` +
    `commands=${runs[0].commands} bundle=production`
  );
}
