import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { version as toolVersion } from '../../package.json';
import { UserError, errorMessage, throwIfAborted } from '../util/errors';
import { renameAtomic, writeFileAtomic } from '../util/fsAtomic';
import { silentLog, type Log } from '../util/log';
import { BuildCache, defaultBuildCacheDir } from './buildCache';
import { bytecodeTag, compileBytecode } from './bytecode';
import { cacheKey, reusableBuild } from './cache';
import { diskContent, layerZipInputs, totalSize, type StagedLayer } from './content';
import { ownerMap, ownerOf, readDistInfos } from './distInfo';
import {
  chooseInstaller,
  pipInstallArgs,
  uvEnv,
  uvInstallArgs,
  untranslatablePipSettings,
  type InstallerChoice,
} from './installer';
import { runInstaller, type InstallerRun } from './installerRun';
import { packageSources } from './indexes';
import {
  limitWarnings,
  manifestPathFor,
  summarizePackages,
  unzippedLimitMessage,
  UNZIPPED_LIMIT,
  MANIFEST_VERSION,
  type LayerManifest,
} from './manifest';
import { checkOutputDir } from './outputDir';
import { readPipConfig, type PipConfig } from './pipConfig';
import { findOnPath } from './processes';
import { buildPythonCommands, hasStableReport, probePython, requirePip } from './python';
import { showCommand } from '../util/pythonCommands';
import { loadRequirements } from './requirements';
import { resolveWheels } from './resolve';
import { resolveTarget } from './runtimes';
import { createStaging, sweepAbandonedStaging } from './staging';
import { describeIncompatibilities, scanCompatibility, walkTree, type Incompatibility } from './scan';
import { sourceBuildWarning } from './sourceBuilds';
import { stageWheels } from './stageWheels';
import { writeZipFile } from './zip';

export interface BuildOptions {
  installer?: InstallerChoice;
  /** Interpreter that runs pip (and compiles bytecode); default python3 (python on Windows). */
  pythonPath?: string;
  /** Let pip build sdists on this machine (drops --only-binary); the result may not load on Lambda. */
  allowSourceBuilds?: boolean;
  /** Keep files the compatibility scan flags instead of failing (they are listed in the manifest). */
  allowIncompatible?: boolean;
  /** Rebuild even when the previous zip matches the inputs. */
  force?: boolean;
  /** Environment for pip/uv, including the user's PIP_* settings; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the staging folder is created; default the OS temp folder (kept out of the workspace). */
  stagingRoot?: string;
  timeoutSeconds?: number;
  retries?: number;
  /** Wheels and compiled bytecode kept between builds; default `build` in the user's cache folder. */
  cacheDirectory?: string;
}

export interface BuildRequest {
  requirementsPath: string;
  runtime: string;
  architecture: string;
  layerName: string;
  /** Folder for `<fileBase>.zip` and `<fileBase>.manifest.json`. */
  outDir: string;
  /** Default: the layer name. */
  fileBase?: string;
  options?: BuildOptions;
}

export interface BuildProgress {
  message: string;
  /** Percent of the whole build this step adds (the increments of one build add up to 100). */
  increment?: number;
}

export interface BuildContext {
  signal?: AbortSignal;
  log?: Log;
  progress?: (p: BuildProgress) => void;
  /** The installer's process id once it runs. */
  onInstallerSpawn?: (pid: number) => void;
}

export interface BuildResult {
  zipPath: string;
  manifestPath: string;
  manifest: LayerManifest;
  /** True when the previous zip was reused because nothing changed. */
  reused: boolean;
}

/** The compatibility scan found files that will not load on the target; `allowIncompatible` keeps them. */
export class IncompatibleFilesError extends UserError {
  constructor(
    message: string,
    readonly incompatibilities: Incompatibility[],
  ) {
    super(message);
  }
}

export const LAYER_NAME = /^[A-Za-z0-9_-]{1,140}$/;

export function validateLayerName(name: string): void {
  if (!LAYER_NAME.test(name)) {
    throw new UserError(
      l10n.t('"{0}" is not a valid layer name: use 1 to 140 letters, digits, hyphens or underscores.', name),
    );
  }
}

/** Progress shares of the build steps (percent). */
const SHARE = { prepare: 5, install: 45, bytecode: 10, scan: 5, zip: 30, finish: 5 };
const INSTALL_LINE_BUDGET = 30;

/**
 * requirements.txt → a Lambda layer zip + manifest. Installs into a fresh staging folder for the target's
 * platform tags, compiles bytecode when the host Python matches the runtime, checks native code against the
 * runtime, and writes a deterministic zip. Reuses the previous zip when every input is unchanged.
 */
export async function buildLayer(request: BuildRequest, context: BuildContext = {}): Promise<BuildResult> {
  const { signal } = context;
  const log = context.log ?? silentLog;
  const progress = context.progress ?? (() => undefined);
  const options = request.options ?? {};
  const env = options.env ?? process.env;
  const target = resolveTarget(request.runtime, request.architecture);
  validateLayerName(request.layerName);
  const fileBase = request.fileBase ?? request.layerName;
  const outDir = resolve(request.outDir);
  const zipPath = join(outDir, `${fileBase}.zip`);
  const manifestPath = manifestPathFor(zipPath);

  progress({ message: l10n.t('Reading {0}', request.requirementsPath) });
  const requirements = await loadRequirements(request.requirementsPath, env);
  if (requirements.requirements.length === 0) {
    throw new UserError(l10n.t('The requirements file lists no packages: {0}', request.requirementsPath));
  }
  const pipConfig = await readPipConfig(env);
  const { installer, uvPath, why } = await pickInstaller(options.installer ?? 'auto', pipConfig, env, log);
  const sources = packageSources(pipConfig, requirements);
  const pythonCommands = buildPythonCommands(options.pythonPath, process.platform);
  const pythonPath = pythonCommands.map(showCommand).join(', ');
  const key = cacheKey({
    toolVersion,
    layerName: request.layerName,
    requirements,
    target,
    installer,
    allowSourceBuilds: !!options.allowSourceBuilds,
    allowIncompatible: !!options.allowIncompatible,
    pythonPath,
    pipConfig,
    env,
  });
  if (!options.force) {
    const previous = await reusableBuild(manifestPath, zipPath, key);
    if (previous) {
      log.info(
        l10n.t(
          'Reusing {0}: requirements, runtime, architecture and settings are unchanged since {1}. Rebuild to pick up newer releases of unpinned packages.',
          zipPath,
          previous.builtAt,
        ),
      );
      progress({ message: l10n.t('Up to date'), increment: 100 });
      return { zipPath, manifestPath, manifest: previous, reused: true };
    }
  }
  if (why) log.info(l10n.t('Installing with pip ({0}).', why));
  log.info(l10n.t('Package sources: {0}', sources.map((s) => `${s.url} (${s.from})`).join(', ')));
  await checkOutputDir(outDir);
  const python = await probePython(pythonCommands, env, signal);
  if (installer === 'pip') requirePip(python);
  progress({ message: l10n.t('Preparing'), increment: SHARE.prepare });

  const stagingRoot = options.stagingRoot ?? tmpdir();
  for (const dir of await sweepAbandonedStaging(stagingRoot, { log }))
    log.info(l10n.t('Removed the staging folder of a build that did not finish: {0}', dir));
  const staging = await createStaging(stagingRoot, fileBase);
  const tmpZip = join(outDir, `.${fileBase}.zip.${randomBytes(6).toString('hex')}.tmp`);
  const cache = new BuildCache(options.cacheDirectory ?? defaultBuildCacheDir(env));
  let staged: StagedLayer | undefined;
  try {
    const lines = installProgress(progress);
    const run: InstallerRun = {
      installer,
      python,
      target,
      staging,
      env,
      signal,
      log,
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
    const streamed = installer === 'pip' && !options.allowSourceBuilds && hasStableReport(python.pipVersion);
    if (installer === 'pip' && !streamed && !options.allowSourceBuilds)
      log.info(
        l10n.t(
          'pip {0} has no stable installation report (pip 23.0 or later): installing to a folder instead.',
          python.pipVersion ?? '?',
        ),
      );
    staged = streamed
      ? await stageFromWheels(run, cache, options, progress, lines.rest)
      : await stageFromFolder(run, uvPath, pipConfig, options, progress, lines.rest);
    const warnings = [...staged.warnings];
    if (options.allowSourceBuilds) warnings.push(sourceBuildWarning(process.platform));
    if (!staged.bytecode)
      log.info(
        l10n.t('No bytecode: this Python is {0}.{1}, the runtime is {2}.', python.major, python.minor, target.runtime),
      );
    progress({ message: l10n.t('Checking compatibility'), increment: SHARE.bytecode });

    const { content, packages } = staged;
    const unzipped = totalSize(content);
    const fileCount = content.files.length + content.links.length;
    if (unzipped > UNZIPPED_LIMIT) throw new UserError(unzippedLimitMessage(unzipped, packages));
    const incompatibilities = await scanCompatibility(content.files, target, staged.owners, signal);
    if (incompatibilities.length > 0) {
      const text = describeIncompatibilities(incompatibilities, target);
      if (!options.allowIncompatible) {
        throw new IncompatibleFilesError(
          text +
            '\n' +
            l10n.t(
              'Pin versions that publish wheels for {0} ({1}), choose another runtime or architecture, or allow incompatible files to build anyway.',
              target.runtime,
              target.architecture,
            ),
          incompatibilities,
        );
      }
      warnings.push(text);
    }
    progress({ message: l10n.t('Zipping {0} files', fileCount), increment: SHARE.scan });

    const zip = await writeZipFile(layerZipInputs(content), tmpZip, {
      signal,
      onProgress: zipProgress(unzipped, progress),
    });
    const limits = limitWarnings(unzipped, zip.size);
    warnings.push(...limits.warnings);
    for (const w of warnings) log.warn(w);
    const manifest: LayerManifest = {
      manifestVersion: MANIFEST_VERSION,
      toolVersion,
      layerName: request.layerName,
      runtime: target.runtime,
      architecture: target.architecture,
      installer,
      bytecode: staged.bytecode ? 'unchecked-hash' : 'none',
      zipFile: `${fileBase}.zip`,
      zippedSize: zip.size,
      unzippedSize: unzipped,
      fileCount,
      sha256: zip.sha256,
      codeSha256: zip.codeSha256,
      publishViaS3: limits.publishViaS3,
      packages,
      packageSources: sources,
      incompatibilities,
      warnings,
      cacheKey: key,
      builtAt: new Date().toISOString(),
    };
    throwIfAborted(signal);
    // Manifest last: a zip without its manifest is never mistaken for an up-to-date build.
    await fs.rm(manifestPath, { force: true });
    await renameAtomic(tmpZip, zipPath);
    await writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    await cache
      .evict(staged.cacheFiles)
      .catch((e: unknown) => log.debug(`Could not trim the build cache ${cache.dir}: ${errorMessage(e)}`));
    progress({ message: l10n.t('Built {0}', zipPath), increment: SHARE.finish });
    return { zipPath, manifestPath, manifest, reused: false };
  } finally {
    await staged?.close();
    await fs.rm(staging.dir, { recursive: true, force: true });
    await fs.rm(tmpZip, { force: true });
  }
}

/**
 * Progress for the installer's "Collecting …" lines: one percent each, up to a budget; `rest` is what is left of
 * the install share once the installer is done, so the increments of a build still add up to 100.
 */
function installProgress(progress: (p: BuildProgress) => void): { onLine: (line: string) => void; rest: () => number } {
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

/** pip resolves for the target; the wheels are then laid out straight into the zip, bytecode from the cache. */
async function stageFromWheels(
  run: InstallerRun,
  cache: BuildCache,
  options: BuildOptions,
  progress: (p: BuildProgress) => void,
  installRest: () => number,
): Promise<StagedLayer> {
  const wheels = await resolveWheels(run, cache, installerNetwork(options));
  progress({ message: l10n.t('Resolved {0} packages', wheels.length), increment: installRest() });
  const compiler =
    `3.${run.python.minor}` === run.target.pythonVersion
      ? { python: run.python.executable, ...(await bytecodeTag(run.python.executable, run.env, run.signal)) }
      : undefined;
  if (compiler) progress({ message: l10n.t('Compiling bytecode') });
  return stageWheels(wheels, { cache, compiler, env: run.env, signal: run.signal });
}

/** The installer writes into a staging folder (source builds, uv), then bytecode is compiled there. */
async function stageFromFolder(
  run: InstallerRun,
  uvPath: string | undefined,
  pipConfig: PipConfig,
  options: BuildOptions,
  progress: (p: BuildProgress) => void,
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
      path: uvPath!,
      env: uvEnv(baseEnv, argsInput.timeoutSeconds, argsInput.retries),
    });
  progress({ message: l10n.t('Installed'), increment: installRest() });
  const bytecode = `3.${run.python.minor}` === run.target.pythonVersion; // probePython accepts only Python 3
  if (bytecode) {
    progress({ message: l10n.t('Compiling bytecode') });
    await compileBytecode(run.python.executable, root, run.env, run.log, run.signal);
  }
  const [tree, dists] = await Promise.all([walkTree(root, run.signal), readDistInfos(root)]);
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

/** Turns byte counts into progress increments in whole percent of the zip share. */
function zipProgress(total: number, progress: (p: BuildProgress) => void): (done: number) => void {
  let reported = 0;
  return (done) => {
    const share = Math.floor((done / Math.max(1, total)) * SHARE.zip);
    if (share > reported) {
      progress({ message: l10n.t('Zipping'), increment: share - reported });
      reported = share;
    }
  };
}
