import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { version as toolVersion } from '../../package.json';
import { UserError, errorMessage, throwIfAborted } from '../util/errors';
import { renameAtomic, writeFileAtomic } from '../util/fsAtomic';
import { silentLog, type Log } from '../util/log';
import { layerZipInputs, totalSize, type StagedLayer } from './content';
import type { InstallerChoice } from './installer';
import {
  limitWarnings,
  manifestPathFor,
  unzippedLimitMessage,
  UNZIPPED_LIMIT,
  MANIFEST_VERSION,
  type LayerManifest,
} from './manifest';
import { reusableBuild } from './cache';
import { nodeStager } from './node/stager';
import { checkOutputDir } from './outputDir';
import { pythonStager } from './pythonStager';
import { resolveTarget, runtimesOf, type Language, type Target } from './runtimes';
import { createStaging, sweepAbandonedStaging } from './staging';
import { describeIncompatibilities, describeLibraryWarnings, scanCompatibility, type Incompatibility } from './scan';
import { SHARE, type StageProgress, type Stager } from './stager';
import { writeZipFile } from './zip';

/** Settings of a build; the Python-only ones are marked, the others apply to every language. */
export interface BuildOptions {
  /** Python: pip, uv or auto. */
  installer?: InstallerChoice;
  /** Python: interpreter that runs pip (and compiles bytecode); default python3 (python on Windows). */
  pythonPath?: string;
  /** Python: let pip build sdists on this machine (drops --only-binary); the result may not load on Lambda. */
  allowSourceBuilds?: boolean;
  /**
   * Keep files the compatibility scan flags instead of failing (they are listed in the manifest), and (Node.js)
   * packages that compile at install time on a machine that is not the target (a warning names them).
   */
  allowIncompatible?: boolean;
  /** Rebuild even when the previous zip matches the inputs. */
  force?: boolean;
  /** Environment for the installer, including the user's PIP_* / npm_config_* settings; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the staging folder is created; default the OS temp folder (kept out of the workspace). */
  stagingRoot?: string;
  timeoutSeconds?: number;
  retries?: number;
  /** Wheels and compiled bytecode (Python), package tarballs (Node.js with a lockfile) kept between builds; default `build` in the user's cache folder. */
  cacheDirectory?: string;
  /** Python: leave out tests, docs, examples, type stubs and C sources, proven by importing every module (slim.ts). */
  slim?: boolean;
}

export interface BuildRequest {
  /** requirements.txt (any *.txt) for python* runtimes, package.json for nodejs* runtimes. */
  sourcePath: string;
  runtime: string;
  architecture: string;
  layerName: string;
  /** Folder for `<fileBase>.zip` and `<fileBase>.manifest.json`. */
  outDir: string;
  /** Default: the layer name. */
  fileBase?: string;
  options?: BuildOptions;
}

export type BuildProgress = StageProgress;

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

/** The language a source file is for: package.json is Node.js, anything else a requirements file. */
export function sourceLanguage(sourcePath: string): Language {
  return basename(sourcePath).toLowerCase() === 'package.json' ? 'nodejs' : 'python';
}

/** A source file goes with runtimes of its language; anything else is refused before a build starts. */
export function checkSourceMatchesRuntime(sourcePath: string, target: Target): void {
  const language = sourceLanguage(sourcePath);
  if (language === target.language) return;
  throw new UserError(
    language === 'nodejs'
      ? l10n.t(
          '{0} lists Node.js packages, but {1} is a Python runtime. Choose a Node.js runtime ({2}), or build from a requirements.txt for Python.',
          basename(sourcePath),
          target.runtime,
          runtimesOf('nodejs').join(', '),
        )
      : l10n.t(
          '{0} is a Node.js runtime: build it from a package.json, or choose a Python runtime ({1}) for {2}.',
          target.runtime,
          runtimesOf('python').join(', '),
          basename(sourcePath),
        ),
  );
}

/**
 * A source file (requirements.txt, package.json) → a Lambda layer zip + manifest. The language's stager installs
 * for the target into a fresh staging folder; then, the same for every language, native code is checked against
 * the runtime and a deterministic zip is written. Reuses the previous zip when every input is unchanged; a
 * failed or cancelled build leaves the previous zip as it was.
 */
export async function buildLayer(request: BuildRequest, context: BuildContext = {}): Promise<BuildResult> {
  const { signal } = context;
  const log = context.log ?? silentLog;
  const progress = context.progress ?? (() => undefined);
  const options = request.options ?? {};
  const target = resolveTarget(request.runtime, request.architecture);
  checkSourceMatchesRuntime(request.sourcePath, target);
  validateLayerName(request.layerName);
  const fileBase = request.fileBase ?? request.layerName;
  const outDir = resolve(request.outDir);
  const zipPath = join(outDir, `${fileBase}.zip`);
  const manifestPath = manifestPathFor(zipPath);

  progress({ message: l10n.t('Reading {0}', request.sourcePath) });
  const stager: Stager =
    target.language === 'python'
      ? await pythonStager(request, target, log)
      : await nodeStager(request, target, log, signal);
  const key = stager.cacheKey;
  if (!options.force) {
    const previous = await reusableBuild(manifestPath, zipPath, key);
    if (previous) {
      log.info(stager.reuseMessage(zipPath, previous.builtAt));
      progress({ message: l10n.t('Up to date'), increment: 100 });
      return { zipPath, manifestPath, manifest: previous, reused: true };
    }
  }
  await checkOutputDir(outDir);
  await stager.prepare(signal);
  progress({ message: l10n.t('Preparing'), increment: SHARE.prepare });

  const stagingRoot = options.stagingRoot ?? tmpdir();
  for (const dir of await sweepAbandonedStaging(stagingRoot, { log }))
    log.info(l10n.t('Removed the staging folder of a build that did not finish: {0}', dir));
  const staging = await createStaging(stagingRoot, fileBase);
  const tmpZip = join(outDir, `.${fileBase}.zip.${randomBytes(6).toString('hex')}.tmp`);
  let staged: StagedLayer | undefined;
  try {
    staged = await stager.stage({ staging, signal, log, progress, onInstallerSpawn: context.onInstallerSpawn });
    const warnings = [...staged.warnings];
    progress({ message: l10n.t('Checking compatibility'), increment: SHARE.bytecode });

    const { content, packages } = staged;
    const unzipped = totalSize(content);
    const fileCount = content.files.length + content.links.length;
    if (unzipped > UNZIPPED_LIMIT) throw new UserError(unzippedLimitMessage(unzipped, packages));
    const skip = staged.scanSkips;
    const scanned = skip ? content.files.filter((f) => !skip(f.path)) : content.files;
    const scan = await scanCompatibility(
      { ...content, files: scanned },
      target,
      staged.owners,
      signal,
      staged.nativeFacts,
    );
    await staged.nativeFacts
      ?.save()
      .catch((e: unknown) =>
        log.debug(`Could not keep the compatibility facts in the build cache: ${errorMessage(e)}`),
      );
    const { incompatibilities } = scan;
    if (scan.warnings.length > 0) warnings.push(describeLibraryWarnings(scan.warnings));
    if (incompatibilities.length > 0) {
      const text = describeIncompatibilities(incompatibilities, target);
      if (!options.allowIncompatible) {
        throw new IncompatibleFilesError(text + '\n' + stager.incompatibleHint, incompatibilities);
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
      ecosystem: stager.ecosystem,
      installer: stager.installer,
      bytecode: staged.bytecode ? 'unchecked-hash' : 'none',
      zipFile: `${fileBase}.zip`,
      zippedSize: zip.size,
      unzippedSize: unzipped,
      fileCount,
      sha256: zip.sha256,
      codeSha256: zip.codeSha256,
      publishViaS3: limits.publishViaS3,
      packages,
      packageSources: stager.sources,
      incompatibilities,
      warnings,
      ...(staged.slim ? { slim: staged.slim } : {}),
      cacheKey: key,
      builtAt: new Date().toISOString(),
    };
    throwIfAborted(signal);
    // Manifest last: a zip without its manifest is never mistaken for an up-to-date build.
    await fs.rm(manifestPath, { force: true });
    await renameAtomic(tmpZip, zipPath);
    await writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    await stager.finish(staged, log);
    progress({ message: l10n.t('Built {0}', zipPath), increment: SHARE.finish });
    return { zipPath, manifestPath, manifest, reused: false };
  } finally {
    await staged?.close();
    await fs.rm(staging.dir, { recursive: true, force: true });
    await fs.rm(tmpZip, { force: true });
  }
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
