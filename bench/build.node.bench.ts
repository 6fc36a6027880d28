/**
 * Node.js layer build: ours (buildLayer from package.json, in process) against what a user does by hand, `npm ci
 * --omit=dev` in a `nodejs` folder then `zip -r layer.zip nodejs`, on a generated project (test/fixtures/npmProject.ts:
 * 324 packages, about 18,500 files) installed from a local Verdaccio registry (test/helpers/npmRegistry.ts), same run,
 * interleaved.
 *
 * Lines (medians of RUNS):
 * - build.node.cold: both with an empty npm cache (a fresh `npm_config_cache` each run) and ours with an empty build
 *   cache, `force` (no reuse).
 * - build.node.warm: unchanged inputs: ours reuses the zip; naive: `npm ci` + `zip -r` again with the npm cache of its
 *   cold run (npm has no reuse beyond its cache: `npm ci` removes node_modules and installs again).
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer, type BuildOptions, type BuildResult } from '../src/layer/build';
import { concurrencyLimiter } from '../src/util/pool';
import { BENCH_PROJECT, generateProject } from '../test/fixtures/npmProject';
import { startNpmRegistry, type NpmRegistry } from '../test/helpers/npmRegistry';
import { median, ratio, run, timed } from './lib';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RUNTIME = 'nodejs22.x';
/** Verdaccio's storage with the generated packages, published once and served again by later runs. */
const STORAGE = join(tmpdir(), 'lambda-layers-bench', 'npm-registry-v1');
const REGISTRY = 'http://registry.invalid';

/** Ours: the build from the project's package.json, as the extension and the CLI run it. */
function buildNodeLayer(packageJson: string, layerName: string, outDir: string, options: BuildOptions) {
  return buildLayer({ sourcePath: packageJson, runtime: RUNTIME, architecture: 'x86_64', layerName, outDir, options });
}

export default async function bench(): Promise<string[]> {
  const work = join(tmpdir(), `lambda-layers-bench-node-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const published = existsSync(join(STORAGE, '.complete'));
  if (!published) await rm(STORAGE, { recursive: true, force: true });
  const registry = await startNpmRegistry({ storage: STORAGE });
  try {
    const project = await writeProject(registry, join(work, 'project'), !published);
    if (!published) await writeFile(join(STORAGE, '.complete'), new Date().toISOString());
    const naive = naiveFlow(registry, project, join(work, 'naive'));
    const cacheDirectory = join(work, 'build-cache');
    const ours = async (env: NodeJS.ProcessEnv, force: boolean) => {
      const { ms, value } = await timed(() =>
        buildNodeLayer(join(project, 'package.json'), 'bench-node', join(work, 'ours'), { env, force, cacheDirectory }),
      );
      return { ms, result: value as BuildResult };
    };

    // Warm-up of both (page cache, npm's and our modules; ours first, so a missing Node stager fails at once),
    // then interleaved measured runs.
    await ours(registry.npmEnv(), true);
    await naive.cold();
    const naiveCold: Awaited<ReturnType<typeof naive.cold>>[] = [];
    const naiveWarm: number[] = [];
    const cold: Awaited<ReturnType<typeof ours>>[] = [];
    const warm: number[] = [];
    const naivePair = async () => {
      naiveCold.push(await naive.cold());
      naiveWarm.push((await naive.warm()).ms);
    };
    const oursPair = async () => {
      await rm(cacheDirectory, { recursive: true, force: true });
      const env = registry.npmEnv();
      cold.push(await ours(env, true));
      const reuse = await ours(env, false);
      if (!reuse.result.reused) throw new Error('the unchanged Node.js build did not reuse the zip');
      warm.push(reuse.ms);
    };
    // The side that goes second finds the registry's files and code hot: the order alternates between runs.
    for (let i = 0; i < RUNS; i++) {
      if (i % 2 === 0) {
        await naivePair();
        await oursPair();
      } else {
        await oursPair();
        await naivePair();
      }
    }

    const coldMs = median(cold.map((r) => r.ms));
    const naiveMs = median(naiveCold.map((r) => r.ms));
    const naiveWarmMs = median(naiveWarm);
    const size = median(cold.map((r) => r.result.manifest.zippedSize));
    const naiveSize = median(naiveCold.map((r) => r.size));
    const m = cold[0].result.manifest;
    const deterministic = new Set(cold.map((r) => r.result.manifest.sha256)).size === 1;
    const mb = (b: number) => (b / 1e6).toFixed(1);
    return [
      `build.node.cold ours/naive time=${ratio(coldMs, naiveMs)} size=${ratio(size, naiveSize)} ours_ms=${coldMs.toFixed(0)} naive_ms=${naiveMs.toFixed(0)} ours_mb=${mb(size)} naive_mb=${mb(naiveSize)} runs=${RUNS} runtime=${RUNTIME} packages=${m.packages.length} files=${m.fileCount} deterministic=${deterministic ? 'yes' : 'NO'} (both npm caches empty)`,
      `build.node.warm ours/naive time=${ratio(median(warm), naiveWarmMs)} ours_ms=${median(warm).toFixed(1)} naive_ms=${naiveWarmMs.toFixed(0)} runs=${RUNS} (naive: npm ci + zip again with its warm npm cache)`,
    ];
  } finally {
    await registry.close();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Generates the project, publishes its packages (4 at a time) unless the registry has them already, and writes
 * its package.json and the lockfile npm resolves against this registry (`npm ci` needs one; the user has one too).
 * Resolving takes a minute, so the lockfile is kept beside the storage with the registry's URL as a placeholder
 * (the port changes between runs). Returns the project folder.
 */
export async function writeProject(registry: NpmRegistry, dir: string, publish: boolean): Promise<string> {
  const generated = generateProject(BENCH_PROJECT);
  if (publish) {
    process.stderr.write(`publishing the ${generated.packages.length} generated packages to ${STORAGE} …\n`);
    const limit = concurrencyLimiter(4);
    await Promise.all(generated.packages.map((p) => limit(() => registry.publish(p))));
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify(generated.packageJson, null, 2));
  const kept = join(STORAGE, 'package-lock.template.json');
  if (publish || !existsSync(kept)) {
    await run('npm', ['install', '--package-lock-only', '--ignore-scripts'], { cwd: dir, env: registry.npmEnv() });
    await writeFile(kept, (await readFile(join(dir, 'package-lock.json'), 'utf8')).replaceAll(registry.url, REGISTRY));
  } else {
    await writeFile(join(dir, 'package-lock.json'), (await readFile(kept, 'utf8')).replaceAll(REGISTRY, registry.url));
  }
  return dir;
}

/** The flow by hand: package.json and lockfile in `nodejs/`, `npm ci --omit=dev` there, `zip -r layer.zip nodejs`. */
export function naiveFlow(registry: NpmRegistry, project: string, dir: string) {
  let env = registry.npmEnv();
  const once = async () => {
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, 'nodejs'), { recursive: true });
    await cp(join(project, 'package.json'), join(dir, 'nodejs', 'package.json'));
    await cp(join(project, 'package-lock.json'), join(dir, 'nodejs', 'package-lock.json'));
    const start = performance.now();
    await run('npm', ['ci', '--omit=dev'], { cwd: join(dir, 'nodejs'), env });
    await run('zip', ['-q', '-r', 'layer.zip', 'nodejs'], { cwd: dir });
    return { ms: performance.now() - start, size: (await stat(join(dir, 'layer.zip'))).size };
  };
  return {
    /** With an empty npm cache. */
    cold: () => {
      env = registry.npmEnv();
      return once();
    },
    /** Again, with the cache the last cold run filled. */
    warm: once,
  };
}
