import * as l10n from '@vscode/l10n';
import { join } from 'node:path';
import { version as toolVersion } from '../../package.json';
import { UserError, errorMessage } from '../util/errors';
import type { Log } from '../util/log';
import { showCommand } from '../util/pythonCommands';
import type { BuildOptions, BuildRequest } from './build';
import { BuildCache, defaultBuildCacheDir } from './buildCache';
import { compileBytecode } from './bytecode';
import { cacheKey } from './cache';
import { diskContent, type StagedLayer } from './content';
import { ownerMap, ownerOf, readDistInfos } from './distInfo';
import { packageSources } from './indexes';
import {
  chooseInstaller,
  pipInstallArgs,
  uvEnv,
  uvInstallArgs,
  untranslatablePipSettings,
  type InstallerChoice,
} from './installer';
import { runInstaller, type InstallerRun } from './installerRun';
import { summarizePackages } from './manifest';
import { readPipConfig, type PipConfig } from './pipConfig';
import { findOnPath } from './processes';
import { buildPythonCommands, hasStableReport, probePython, requirePip, type PythonInfo } from './python';
import { loadRequirements } from './requirements';
import { recordBytecode } from './recordBytecode';
import { resolveWheels } from './resolve';
import type { PythonTarget } from './runtimes';
import { walkTree } from './scan';
import { slimLayer, slimLogLine, slimWarnings } from './slim';
import { sourceBuildWarning } from './sourceBuilds';
import { SHARE, type StageContext, type StageProgress, type Stager } from './stager';
import { OverlappingWheelsError, stageWheels } from './stageWheels';

const INSTALL_LINE_BUDGET = 30;

/**
 * requirements.txt → the `python/` folder of a layer: installs for the target's platform tags (wheels stream
 * straight into the zip; source builds and uv install to a folder), with bytecode when the host Python matches
 * the runtime.
 */
export async function pythonStager(request: BuildRequest, target: PythonTarget, log: Log): Promise<Stager> {
  const options = request.options ?? {};
  const env = options.env ?? process.env;
  const requirements = await loadRequirements(request.sourcePath, env);
  if (requirements.requirements.length === 0) {
    throw new UserError(l10n.t('The requirements file lists no packages: {0}', request.sourcePath));
  }
  const pipConfig = await readPipConfig(env);
  const { installer, uvPath, why } = await pickInstaller(options.installer ?? 'auto', pipConfig, env, log);
  const sources = packageSources(pipConfig, requirements);
  const pythonCommands = buildPythonCommands(options.pythonPath, process.platform);
  const pythonPath = pythonCommands.map(showCommand).join(', ');
  const cache = new BuildCache(options.cacheDirectory ?? defaultBuildCacheDir(env));
  let python: PythonInfo | undefined;
  return {
    ecosystem: 'pypi',
    installer,
    sources,
    cacheKey: cacheKey({
      toolVersion,
      layerName: request.layerName,
      requirements,
      target,
      installer,
      allowSourceBuilds: !!options.allowSourceBuilds,
      allowIncompatible: !!options.allowIncompatible,
      slim: !!options.slim,
      pythonPath,
      pipConfig,
      env,
    }),
    reuseMessage: (zipPath, builtAt) =>
      l10n.t(
        'Reusing {0}: requirements, runtime, architecture and settings are unchanged since {1}. Rebuild to pick up newer releases of unpinned packages.',
        zipPath,
        builtAt,
      ),
    incompatibleHint: l10n.t(
      'Pin versions that publish wheels for {0} ({1}), choose another runtime or architecture, or allow incompatible files to build anyway.',
      target.runtime,
      target.architecture,
    ),
    async prepare(signal) {
      if (why) log.info(l10n.t('Installing with pip ({0}).', why));
      log.info(l10n.t('Package sources: {0}', sources.map((s) => `${s.url} (${s.from})`).join(', ')));
      python = await probePython(pythonCommands, env, signal);
      if (installer === 'pip') requirePip(python);
    },
    async stage(context) {
      const { progress } = context;
      const lines = installProgress(progress);
      const run: InstallerRun = {
        installer,
        python: python!,
        target,
        staging: context.staging,
        env,
        signal: context.signal,
        log: context.log,
        requirementsPath: requirements.files[0].path,
        sources,
        layerName: request.layerName,
        onInstallerSpawn: context.onInstallerSpawn,
        onProgressLine: lines.onLine,
      };
      progress({
        message: l10n.t('Installing packages for {0} ({1}) with {2}', target.runtime, target.architecture, installer),
      });
      // Wheels stream into the zip; source builds, uv (no installation report) and pip before 23.0 (whose report
      // format was not yet stable) install to a folder.
      const streamed = installer === 'pip' && !options.allowSourceBuilds && hasStableReport(run.python.pipVersion);
      if (installer === 'pip' && !streamed && !options.allowSourceBuilds)
        log.info(
          l10n.t(
            'pip {0} has no stable installation report (pip 23.0 or later): installing to a folder instead.',
            run.python.pipVersion ?? '?',
          ),
        );
      const staged = streamed
        ? await stageFromWheels(run, cache, options, progress, lines.rest, () =>
            stageFromFolder(run, uvPath, pipConfig, options, progress, () => 0),
          )
        : await stageFromFolder(run, uvPath, pipConfig, options, progress, lines.rest);
      if (options.allowSourceBuilds) staged.warnings.push(sourceBuildWarning(process.platform));
      if (!staged.bytecode)
        log.info(
          l10n.t(
            'No bytecode: this Python is {0}.{1}, the runtime is {2}.',
            run.python.major,
            run.python.minor,
            target.runtime,
          ),
        );
      if (options.slim) {
        progress({ message: l10n.t('Slimming: leaving out tests, docs, examples, type stubs and C sources') });
        const { signal } = context;
        const slimmed = await slimLayer(staged, { python: run.python, target, env, log: context.log, signal });
        context.log.info(slimLogLine(slimmed.summary));
        const warnings = [...slimmed.staged.warnings, ...slimWarnings(slimmed.summary)];
        return { ...slimmed.staged, warnings, slim: slimmed.summary };
      }
      return staged;
    },
    async finish(staged) {
      await cache
        .evict(staged.cacheFiles)
        .catch((e: unknown) => log.debug(`Could not trim the build cache ${cache.dir}: ${errorMessage(e)}`));
    },
  };
}

/**
 * Progress for the installer's "Collecting …" lines: one percent each, up to a budget; `rest` is what is left of
 * the install share once the installer is done, so the increments of a build still add up to 100.
 */
function installProgress(progress: (p: StageProgress) => void): { onLine: (line: string) => void; rest: () => number } {
  let budget = INSTALL_LINE_BUDGET;
  return {
    onLine: (line) => {
      const increment = budget > 0 && /^(Collecting|Processing)/.test(line) ? 1 : undefined;
      if (increment) budget--;
      progress({ message: line, increment });
    },
    rest: () => SHARE.install - (INSTALL_LINE_BUDGET - budget),
  };
}

function installerNetwork(options: BuildOptions) {
  return {
    timeoutSeconds: options.timeoutSeconds ?? 30,
    // pip reports an unreachable index only in its "Retrying …" warnings: with 0 retries it stays silent.
    retries: Math.max(1, options.retries ?? 2),
  };
}

/**
 * pip resolves for the target; the wheels are then laid out straight into the zip, bytecode from the cache. When
 * wheels install different files at one path, pip installs them to a folder instead (`installToFolder`): the copy
 * pip keeps depends on its install order, which the installation report does not give.
 */
async function stageFromWheels(
  run: InstallerRun,
  cache: BuildCache,
  options: BuildOptions,
  progress: StageContext['progress'],
  installRest: () => number,
  installToFolder: () => Promise<StagedLayer>,
): Promise<StagedLayer> {
  const wheels = await resolveWheels(run, cache, installerNetwork(options));
  progress({ message: l10n.t('Resolved {0} packages', wheels.length), increment: installRest() });
  const { executable, minor, bytecodeKey } = run.python;
  const compiler =
    `3.${minor}` === run.target.pythonVersion && bytecodeKey ? { python: executable, key: bytecodeKey } : undefined;
  if (compiler) progress({ message: l10n.t('Compiling bytecode') });
  try {
    return await stageWheels(wheels, { cache, compiler, env: run.env, signal: run.signal });
  } catch (e) {
    if (!(e instanceof OverlappingWheelsError)) throw e;
    const [first] = e.overlaps;
    const warning = l10n.t(
      '{0} files are installed by more than one package with different contents, such as {1} ({2}). The copy a layer holds depends on the order pip installs them in, so pip installed these packages into a folder (not streamed from the wheels) and the layer holds the copies pip keeps: check that they are the ones your code needs.',
      e.overlaps.length,
      first.path,
      first.packages.join(', '),
    );
    const staged = await installToFolder();
    staged.warnings.push(warning);
    return staged;
  }
}

/** The installer writes into a staging folder (source builds, uv), then bytecode is compiled there. */
async function stageFromFolder(
  run: InstallerRun,
  uvPath: string | undefined,
  pipConfig: PipConfig,
  options: BuildOptions,
  progress: StageContext['progress'],
  installRest: () => number,
): Promise<StagedLayer> {
  const root = join(run.staging.dir, 'python');
  const argsInput = {
    target: run.target,
    targetDir: root,
    requirementsPath: run.requirementsPath,
    allowSourceBuilds: !!options.allowSourceBuilds,
    ...installerNetwork(options),
  };
  const baseEnv = { ...run.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
  if (run.installer === 'pip') await runInstaller(run, pipInstallArgs(argsInput));
  else
    await runInstaller(run, uvInstallArgs({ ...argsInput, pythonPath: run.python.executable, pipConfig }), {
      uv: { path: uvPath!, env: uvEnv(baseEnv, argsInput.timeoutSeconds, argsInput.retries) },
    });
  progress({ message: l10n.t('Installed'), increment: installRest() });
  const bytecode = `3.${run.python.minor}` === run.target.pythonVersion; // probePython accepts only Python 3
  if (bytecode) {
    progress({ message: l10n.t('Compiling bytecode') });
    await compileBytecode(run.python.executable, root, run.env, run.log, run.signal);
  }
  const [tree, dists] = await Promise.all([walkTree(root, run.signal), readDistInfos(root)]);
  if (bytecode && run.installer === 'pip') await recordBytecode(tree, dists);
  const owners = ownerMap(dists);
  const ownersByPath = new Map(
    tree.files
      .map((f) => [f.path, ownerOf(f.path, owners)] as const)
      .filter((e): e is [string, string] => e[1] !== undefined),
  );
  return {
    content: diskContent('python', tree),
    packages: summarizePackages(tree, dists, owners),
    owners: ownersByPath,
    bytecode,
    warnings: [],
    cacheFiles: [],
    close: async () => undefined,
  };
}

async function pickInstaller(requested: InstallerChoice, pipConfig: PipConfig, env: NodeJS.ProcessEnv, log: Log) {
  const uvPath = requested === 'pip' ? undefined : await findOnPath('uv', env);
  const choice = chooseInstaller(requested, uvPath, pipConfig);
  if (choice.installer === 'uv' && !uvPath) {
    throw new UserError(
      l10n.t('uv was chosen as the installer but is not on PATH. Install uv or choose pip (or auto).'),
    );
  }
  if (choice.installer === 'uv') {
    const ignored = untranslatablePipSettings(pipConfig);
    if (ignored.length > 0) log.warn(l10n.t('uv does not read these pip settings: {0}', ignored.join(', ')));
  }
  const why = requested === 'auto' && choice.reason ? choice.reason : undefined;
  return { installer: choice.installer, uvPath, why };
}
