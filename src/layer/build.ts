import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { version as toolVersion } from '../../package.json';
import { UserError, errorMessage, throwIfAborted } from '../util/errors';
import { renameAtomic, writeFileAtomic } from '../util/fsAtomic';
import { silentLog, type Log } from '../util/log';
import { compileBytecode } from './bytecode';
import { cacheKey, reusableBuild } from './cache';
import { ownerMap, readDistInfos } from './distInfo';
import { chooseInstaller, pipInstallArgs, uvEnv, uvInstallArgs, untranslatablePipSettings, type Installer, type InstallerChoice } from './installer';
import { packageSources, redactUrl, type PackageSource } from './indexes';
import { guardedCommand } from './installerGuard';
import { installFailure } from './installFailure';
import { limitWarnings, manifestPathFor, summarizePackages, unzippedLimitMessage, UNZIPPED_LIMIT, MANIFEST_VERSION, type LayerManifest } from './manifest';
import { checkOutputDir } from './outputDir';
import { readPipConfig, type PipConfig } from './pipConfig';
import { findOnPath, runProcess } from './processes';
import { buildPythonCommands, probePython, requirePip, type PythonInfo } from './python';
import { showCommand } from '../util/pythonCommands';
import { loadRequirements } from './requirements';
import { resolveTarget, type Target } from './runtimes';
import { createStaging, sweepAbandonedStaging, type Staging } from './staging';
import { describeIncompatibilities, scanCompatibility, walkTree, type Incompatibility, type StagedTree } from './scan';
import { sourceBuildWarning } from './sourceBuilds';
import { writeZipFile, type ZipInput } from './zip';

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
        l10n.t('Reusing {0}: requirements, runtime, architecture and settings are unchanged since {1}. Rebuild to pick up newer releases of unpinned packages.', zipPath, previous.builtAt),
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
  for (const dir of await sweepAbandonedStaging(stagingRoot, { log })) log.info(l10n.t('Removed the staging folder of a build that did not finish: {0}', dir));
  const staging = await createStaging(stagingRoot, fileBase);
  const root = join(staging.dir, 'python');
  const tmpZip = join(outDir, `.${fileBase}.zip.${randomBytes(6).toString('hex')}.tmp`);
  const warnings: string[] = [];
  try {
    await install({ installer, uvPath, python, pipConfig, target, root, staging, requirementsPath: requirements.files[0].path, options, env, context, log, progress, sources, layerName: request.layerName });
    if (options.allowSourceBuilds) warnings.push(sourceBuildWarning(process.platform));
    const bytecode = `3.${python.minor}` === target.pythonVersion; // probePython accepts only Python 3
    if (bytecode) {
      progress({ message: l10n.t('Compiling bytecode') });
      await compileBytecode(python.executable, root, env, log, signal);
    } else {
      log.info(l10n.t('No bytecode: this Python is {0}.{1}, the runtime is {2}.', python.major, python.minor, target.runtime));
    }
    progress({ message: l10n.t('Checking compatibility'), increment: SHARE.bytecode });

    const [tree, dists] = await Promise.all([walkTree(root, signal), readDistInfos(root)]);
    const owners = ownerMap(dists);
    const packages = summarizePackages(tree, dists, owners);
    if (tree.totalSize > UNZIPPED_LIMIT) throw new UserError(unzippedLimitMessage(tree.totalSize, packages));
    const incompatibilities = await scanCompatibility(tree, target, owners, signal);
    if (incompatibilities.length > 0) {
      const text = describeIncompatibilities(incompatibilities, target);
      if (!options.allowIncompatible) {
        throw new IncompatibleFilesError(
          text + '\n' + l10n.t('Pin versions that publish wheels for {0} ({1}), choose another runtime or architecture, or allow incompatible files to build anyway.', target.runtime, target.architecture),
          incompatibilities,
        );
      }
      warnings.push(text);
    }
    progress({ message: l10n.t('Zipping {0} files', tree.files.length + tree.links.length), increment: SHARE.scan });

    const zip = await writeZipFile(zipInputs(tree), tmpZip, {
      signal,
      onProgress: zipProgress(tree.totalSize, progress),
    });
    const limits = limitWarnings(tree.totalSize, zip.size);
    warnings.push(...limits.warnings);
    for (const w of warnings) log.warn(w);
    const manifest: LayerManifest = {
      manifestVersion: MANIFEST_VERSION,
      toolVersion,
      layerName: request.layerName,
      runtime: target.runtime,
      architecture: target.architecture,
      installer,
      bytecode: bytecode ? 'unchecked-hash' : 'none',
      zipFile: `${fileBase}.zip`,
      zippedSize: zip.size,
      unzippedSize: tree.totalSize,
      fileCount: tree.files.length + tree.links.length,
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
    progress({ message: l10n.t('Built {0}', zipPath), increment: SHARE.finish });
    return { zipPath, manifestPath, manifest, reused: false };
  } finally {
    await fs.rm(staging.dir, { recursive: true, force: true });
    await fs.rm(tmpZip, { force: true });
  }
}

async function pickInstaller(requested: InstallerChoice, pipConfig: PipConfig, env: NodeJS.ProcessEnv, log: Log) {
  const uvPath = requested === 'pip' ? undefined : await findOnPath('uv', env);
  const choice = chooseInstaller(requested, uvPath, pipConfig);
  if (choice.installer === 'uv' && !uvPath) {
    throw new UserError(l10n.t('uv was chosen as the installer but is not on PATH. Install uv or choose pip (or auto).'));
  }
  if (choice.installer === 'uv') {
    const ignored = untranslatablePipSettings(pipConfig);
    if (ignored.length > 0) log.warn(l10n.t('uv does not read these pip settings: {0}', ignored.join(', ')));
  }
  const why = requested === 'auto' && choice.reason ? choice.reason : undefined;
  return { installer: choice.installer, uvPath, why };
}

interface InstallStep {
  installer: Installer;
  uvPath?: string;
  python: PythonInfo;
  pipConfig: PipConfig;
  target: Target;
  root: string;
  staging: Staging;
  /** The root requirements file, absolute. */
  requirementsPath: string;
  options: BuildOptions;
  env: NodeJS.ProcessEnv;
  context: BuildContext;
  log: Log;
  progress: (p: BuildProgress) => void;
  /** Where pip looks, and the layer's name: for explaining a failure. */
  sources: PackageSource[];
  layerName: string;
}

async function install(step: InstallStep): Promise<void> {
  const { target, options, log, progress, requirementsPath } = step;
  const argsInput = {
    target,
    targetDir: step.root,
    requirementsPath,
    allowSourceBuilds: !!options.allowSourceBuilds,
    timeoutSeconds: options.timeoutSeconds ?? 30,
    // pip reports an unreachable index only in its "Retrying …" warnings: with 0 retries it stays silent.
    retries: Math.max(1, options.retries ?? 2),
  };
  const baseEnv = { ...step.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
  const [command, args, env] =
    step.installer === 'pip'
      ? [step.python.executable, ['-m', 'pip', ...pipInstallArgs(argsInput)], baseEnv]
      : [step.uvPath!, uvInstallArgs({ ...argsInput, pythonPath: step.python.executable, pipConfig: step.pipConfig }), uvEnv(baseEnv, argsInput.timeoutSeconds, argsInput.retries)];
  log.info(`${command} ${args.map(redactUrl).join(' ')}`);
  progress({ message: l10n.t('Installing packages for {0} ({1}) with {2}', target.runtime, target.architecture, step.installer) });
  let budget = INSTALL_LINE_BUDGET;
  const result = await runProcess(...guardedCommand(step.python.executable, command, args, process.platform), {
    cwd: dirname(requirementsPath),
    env,
    signal: step.context.signal,
    onSpawn: (pid) => {
      step.context.onInstallerSpawn?.(pid);
      step.staging.recordInstaller(pid).catch((e: unknown) => log.debug(`Could not record the installer in ${step.staging.dir}: ${errorMessage(e)}`));
    },
    onLine: (line) => {
      log.info(line);
      if (/^\s*(Collecting|Processing|Downloading|Installing collected|Resolved|Prepared|Installed)/.test(line)) {
        const increment = budget > 0 && /^\s*(Collecting|Processing)/.test(line) ? 1 : undefined;
        if (increment) budget--;
        progress({ message: line.trim(), increment });
      }
    },
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new UserError(l10n.t('Could not start {0} ({1}).', step.installer, command));
    throw e;
  });
  if (result.code !== 0) {
    throw await installFailure({ ...step, output: result.output, signal: step.context.signal });
  }
  progress({ message: l10n.t('Installed'), increment: SHARE.install - (INSTALL_LINE_BUDGET - budget) });
}

/** python/ and every folder as explicit entries (so they get 0755), then every file and link. */
export function zipInputs(tree: StagedTree): ZipInput[] {
  return [
    { name: 'python/' },
    ...tree.dirs.map((d) => ({ name: `python/${d}/` })),
    ...tree.files.map((f) => ({ name: `python/${f.path}`, file: { path: f.abs, size: f.size } })),
    ...tree.links.map((l) => ({ name: `python/${l.path}`, symlink: l.target })),
  ];
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
