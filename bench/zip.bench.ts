/**
 * The layer zip writer against archiver, the library the design first named for it: the same installed tree
 * (the build benchmark's wheelhouse, installed once without bytecode, listed as a build lists it) zipped by ours (src/layer/zip.ts) and by
 * archiver configured for the same deterministic output (sorted entries appended in order, one fixed date,
 * 0644/0755 modes, level 6), alternating, same run. Prints `zip.write ours/archiver time=… size=…`.
 */
import { createWriteStream, statSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import archiver from 'archiver';
import { diskContent, layerZipInputs } from '../src/layer/content';
import { walkTree } from '../src/layer/scan';
import { writeZipFile, type ZipInput } from '../src/layer/zip';
import { offlinePipEnv } from '../test/fixtures/wheels';
import { ensureWheelhouse } from './build.bench';
import { median, ratio, run, timed } from './lib';

const RUNS = 5;
const DOS_EPOCH = new Date(Date.UTC(1980, 0, 1));

export default async function bench(): Promise<string[]> {
  const wheelhouse = await ensureWheelhouse();
  const work = join(tmpdir(), `lambda-layers-zip-bench-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const wheels = (await readdir(wheelhouse)).filter((f) => f.endsWith('.whl')).map((f) => join(wheelhouse, f));
    const env = { ...process.env, ...offlinePipEnv(wheelhouse) };
    await run(
      'python3',
      ['-m', 'pip', 'install', '-q', '--no-deps', '--no-compile', '-t', join(work, 'python'), ...wheels],
      { env },
    );
    const inputs = layerZipInputs(diskContent('python', await walkTree(join(work, 'python'))));
    const oursRuns: number[] = [];
    const archiverRuns: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      oursRuns.push((await timed(() => writeZipFile(inputs, join(work, 'ours.zip')))).ms);
      archiverRuns.push((await timed(() => archiverZip(inputs, join(work, 'archiver.zip')))).ms);
    }
    const oursMs = median(oursRuns);
    const archiverMs = median(archiverRuns);
    const size = (file: string) => statSync(join(work, file)).size;
    return [
      `zip.write ours/archiver time=${ratio(oursMs, archiverMs)} size=${ratio(size('ours.zip'), size('archiver.zip'))} ` +
        `ours_ms=${oursMs.toFixed(0)} archiver_ms=${archiverMs.toFixed(0)} entries=${inputs.length} runs=${RUNS}`,
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function archiverZip(inputs: ZipInput[], out: string): Promise<void> {
  const archive = archiver('zip', { zlib: { level: 6 }, statConcurrency: 1 }); // one stat at a time keeps the order
  const file = createWriteStream(out);
  const closed = new Promise<void>((resolve, reject) => {
    file.on('close', resolve);
    archive.on('error', reject);
  });
  archive.pipe(file);
  for (const input of [...inputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    // archive.file opens files lazily; a trailing "/" makes a folder entry.
    if (input.file) archive.file(input.file.path, { name: input.name, date: DOS_EPOCH, mode: 0o644 });
    else archive.append(Buffer.alloc(0), { name: input.name, date: DOS_EPOCH, mode: 0o755 });
  }
  await archive.finalize();
  await closed;
}
