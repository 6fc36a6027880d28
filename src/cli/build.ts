import { basename, dirname, resolve } from 'node:path';
import { buildLayer } from '../layer/build';
import type { InstallerChoice } from '../layer/installer';
import { UserError, isCancellation } from '../util/errors';
import { consoleLog, type Log } from '../util/log';
import { parseCommandLine, usageError } from './args';

export const USAGE = `usage: cli build REQUIREMENTS.txt|package.json --runtime python3.X|nodejsNN.x --arch x86_64|arm64
       --out LAYER.zip [--name LAYER_NAME] [--rebuild] [--allow-incompatible] [--cache-dir DIR]
       Python only: [--python PATH] [--installer auto|pip|uv] [--allow-source-builds] [--slim]
Builds a Lambda layer zip and prints the path of its manifest (LAYER.manifest.json next to the zip).
A requirements file goes with a python runtime, a package.json with a nodejs runtime (its production
dependencies as npm installs them for Lambda's Linux and the architecture; with a package-lock.json its
tarballs go straight into the zip). Python wheels, compiled bytecode and npm tarballs are reused from
--cache-dir (default: build/ in the user's cache folder). --slim leaves out tests, docs, examples,
type stubs and C sources, proven by importing every module.`;

/** `build`: exit 0 and the manifest path on stdout; 1 with a message on stderr when the build fails. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    args,
    {
      runtime: { type: 'string' },
      arch: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      rebuild: { type: 'boolean' },
      python: { type: 'string' },
      installer: { type: 'string' },
      'allow-source-builds': { type: 'boolean' },
      'allow-incompatible': { type: 'boolean' },
      'cache-dir': { type: 'string' },
      slim: { type: 'boolean' },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const installer = values.installer ?? 'auto';
  if (
    positionals.length !== 1 ||
    !values.runtime ||
    !values.arch ||
    !values.out ||
    !['auto', 'pip', 'uv'].includes(installer)
  ) {
    return usageError(USAGE);
  }
  const fileBase = basename(values.out).replace(/\.zip$/i, '');
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Progress repeats step names and installer lines the log already shows: print only what is new.
  let lastLine = '';
  const log: Log = { ...consoleLog, info: (m) => ((lastLine = m.trim()), consoleLog.info(m)) };
  try {
    const result = await buildLayer(
      {
        sourcePath: positionals[0],
        runtime: values.runtime,
        architecture: values.arch,
        layerName: values.name ?? fileBase,
        outDir: dirname(values.out),
        fileBase,
        options: {
          installer: installer as InstallerChoice,
          pythonPath: values.python,
          force: values.rebuild,
          allowSourceBuilds: values['allow-source-builds'],
          allowIncompatible: values['allow-incompatible'],
          cacheDirectory: values['cache-dir'] && resolve(values['cache-dir']),
          slim: values.slim,
        },
      },
      {
        signal: controller.signal,
        log,
        progress: (p) => {
          if (p.message.trim() === lastLine) return;
          lastLine = p.message.trim();
          process.stderr.write(`${p.message}\n`);
        },
      },
    );
    process.stdout.write(`${result.manifestPath}\n`);
    return 0;
  } catch (e) {
    if (isCancellation(e)) {
      process.stderr.write('cancelled\n');
      return 130;
    }
    if (e instanceof UserError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
