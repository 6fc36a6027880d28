import * as l10n from '@vscode/l10n';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { version as toolVersion } from '../../../package.json';
import { UserError, errorMessage } from '../../util/errors';
import type { Log } from '../../util/log';
import type { BuildRequest } from '../build';
import type { LayerFile } from '../content';
import { findOnPath, runProcess } from '../processes';
import type { NodeTarget } from '../runtimes';
import { BuildCache, defaultBuildCacheDir } from '../buildCache';
import { walkTree, type StagedLink, type StagedTree } from '../scan';
import { SHARE, type StageContext, type Stager } from '../stager';
import type { FetchSettings } from './fetchSettings';
import { planFromLockfile, type LockPlan } from './lockPlan';
import { npmFetchSettings } from './npmEffectiveConfig';
import { streamInstall, type UnavailableOptional } from './streamInstall';
import { installTimeBuild, installTimeBuildMessage, unloadedPrebuild, type PackageManifest } from './installScripts';
import { LOCKFILES, chooseLockfile, missingPnpm, missingYarn, type NodeInstaller } from './lockfile';
import { checkPnpmVersion, pnpmInstallArgs, pnpmWorkspaceYaml } from './pnpm';
import { homeFile, npmConfigEnv, npmRegistry, readOptional, userNpmrcPath, yarnConfigEnv } from './npmConfig';
import { checkNpmVersion, isCrossBuild, npmCpu, npmInstallArgs, npmInvocation, outputTail, type Host } from './npmArgs';
import {
  installedPackage,
  missingPlatformPackages,
  nodeOwners,
  packageDirOf,
  summarizeNodePackages,
  type InstalledPackage,
} from './packages';
import { projectUsesBerry, yarnFlavor, yarnInstallArgs, yarnRegistry, yarnrcYaml } from './yarn';

const HOST_NAMES: Partial<Record<NodeJS.Platform, string>> = { win32: 'Windows', darwin: 'macOS', linux: 'Linux' };

/**
 * package.json → the `nodejs/node_modules` folder of a layer: npm (pnpm or Yarn for their lockfiles) installs the
 * production dependencies for Lambda's platform into a staging copy of package.json and its lockfile (the user's
 * folder and node_modules are never touched), then every installed package is listed and its native code
 * checked by the build.
 */
export async function nodeStager(
  request: BuildRequest,
  target: NodeTarget,
  log: Log,
  signal?: AbortSignal,
): Promise<Stager> {
  const options = request.options ?? {};
  const env = options.env ?? process.env;
  const sourcePath = resolve(request.sourcePath);
  const projectDir = dirname(sourcePath);
  const packageJson = await readPackageJson(sourcePath);
  const dependencies = Object.keys({
    ...objectOr(packageJson.dependencies),
    ...objectOr(packageJson.optionalDependencies),
  });
  if (dependencies.length === 0)
    throw new UserError(
      l10n.t('{0} lists no dependencies: add the packages of the layer under "dependencies".', sourcePath),
    );
  checkStandalone(packageJson, sourcePath);
  const present = (
    await Promise.all(
      LOCKFILES.map(async (l) =>
        (await fs.stat(join(projectDir, l.file)).catch(() => undefined))?.isFile() ? l.file : '',
      ),
    )
  ).filter(Boolean);
  const lock = chooseLockfile(present);
  const tool = lock.installer;
  if (tool === 'pnpm' && !(await findOnPath('pnpm', env))) throw missingPnpm(lock, projectDir);
  if (tool === 'yarn' && !(await findOnPath('yarn', env))) throw missingYarn(lock, projectDir);
  // In the project's folder, so a yarnPath or packageManager there picks the Yarn release that builds.
  const toolVersionText = await runToolVersion(tool, env, projectDir, signal);
  if (tool === 'pnpm') checkPnpmVersion(toolVersionText);
  else if (tool === 'npm') checkNpmVersion(toolVersionText);
  const [lockText, projectNpmrc, userNpmrc, workspaceYaml, yarnrc, userYarnrc, classicYarnrc] = await Promise.all([
    lock.lockfile ? fs.readFile(join(projectDir, lock.lockfile), 'utf8') : undefined,
    readOptional(join(projectDir, '.npmrc')),
    readOptional(userNpmrcPath(env)),
    tool === 'pnpm' ? readOptional(join(projectDir, 'pnpm-workspace.yaml')) : undefined,
    tool === 'yarn' ? readOptional(join(projectDir, '.yarnrc.yml')) : undefined,
    tool === 'yarn' ? readOptional(homeFile(env, '.yarnrc.yml')) : undefined,
    tool === 'yarn' ? readOptional(join(projectDir, '.yarnrc')) : undefined,
  ]);
  const host = thisHost();
  const cross = isCrossBuild(host, target);
  const yarn =
    tool === 'yarn'
      ? yarnFlavor({
          version: toolVersionText,
          projectUsesBerry: projectUsesBerry({
            packageManager: packageJson.packageManager,
            yarnrcYml: yarnrc,
            lockText: lockText ?? '',
          }),
          host,
          hostName: hostName(host),
          target,
        })
      : undefined;
  // Yarn Berry reads its registry from .yarnrc.yml and YARN_* variables, never from npm's settings.
  const source = yarn === 'berry' ? yarnRegistry(env, yarnrc, userYarnrc) : npmRegistry(env, projectNpmrc, userNpmrc);
  const command = lock.lockfile ? 'ci' : 'install';
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        v: 1,
        tool: toolVersion,
        layer: request.layerName,
        packageJson,
        lockfile: lock.lockfile ? [lock.lockfile, lockText] : null,
        runtime: target.runtime,
        arch: target.architecture,
        host: [host.platform, host.arch, host.libc ?? null],
        installer: [tool, toolVersionText],
        pnpmWorkspace: workspaceYaml ?? null,
        npmEnv: npmConfigEnv(env),
        npmrc: [projectNpmrc ?? null, userNpmrc ?? null],
        yarn: yarn ? [yarn, yarnConfigEnv(env), yarnrc ?? null, userYarnrc ?? null, classicYarnrc ?? null] : null,
        allowIncompatible: !!options.allowIncompatible,
      }),
    )
    .digest('hex');
  const cache = new BuildCache(options.cacheDirectory ?? defaultBuildCacheDir(env));
  // With npm, what npm ci installs is read from the lockfile (npm resolves one when there is none) and unpacked
  // straight into the zip.
  const planOf = (text: string) =>
    planFromLockfile(text, packageJson as Parameters<typeof planFromLockfile>[1], target);
  const plan = tool === 'npm' && lockText !== undefined ? planOf(lockText) : undefined;
  let settings: Promise<FetchSettings | { npmNeeded: string }> | undefined;
  /** Set when the streamed install gave way to npm because an optional package could not be fetched. */
  let unavailable: UnavailableOptional | undefined;
  let stagingDir: Promise<string> | undefined;
  const prefixOf = (dir: string) => (process.platform === 'win32' ? undefined : dir);

  const stager: Stager = {
    ecosystem: 'npm',
    installer: tool,
    cacheKey: key,
    sources: [source],
    reuseMessage: (zipPath, builtAt) =>
      l10n.t(
        'Reusing {0}: package.json, lockfile, runtime, architecture, npm and its settings are unchanged since {1}. Rebuild to pick up newer releases of unlocked packages.',
        zipPath,
        builtAt,
      ),
    incompatibleHint: l10n.t(
      'Use versions that ship Linux binaries for {0} ({1}) (packages with per-platform optional dependencies are chosen for the target), choose another runtime or architecture, or allow incompatible files to build anyway.',
      target.runtime,
      target.architecture,
    ),
    async prepare(signal) {
      log.info(l10n.t('Package sources: {0}', `${source.url} (${source.from})`));
      if (!lock.lockfile)
        log.info(l10n.t('No package-lock.json next to package.json: npm resolves the newest matching versions.'));
      // pnpm has no flags for another platform: the staging copy of pnpm-workspace.yaml sets it, and a flat tree.
      if (tool === 'pnpm') log.info(l10n.t('Installing with pnpm, as pnpm-lock.yaml asks.'));
      // Yarn Berry has no such flags either: the staging copy of .yarnrc.yml sets them, and node_modules.
      if (tool === 'yarn') log.info(l10n.t('Installing with Yarn {0}, as yarn.lock asks.', toolVersionText));
      if (tool === 'npm' && !(plan && 'npmNeeded' in plan)) {
        settings = npmFetchSettings(projectDir, env, signal);
        // Awaited when the packages are unpacked; a build cancelled or failed before that never reads it.
        settings.catch(() => undefined);
      }
    },
    async stage(context) {
      const cpu = npmCpu(target);
      const result = (await streamed(context)) ?? (await installWithTool(context));
      const warnings = result.warnings;
      if (unavailable && !result.installed.some((p) => p.dir === unavailable!.location)) {
        warnings.push(
          l10n.t(
            'The optional package {0} is not in the layer: it could not be fetched ({1}), so npm left it out, as npm ci does. If your code uses it, check the registry and the lockfile, then build again.',
            `${unavailable.name}@${unavailable.version}`,
            unavailable.reason,
          ),
        );
      }
      const missing = missingPlatformPackages(result.installed, cpu);
      if (missing.length > 0)
        warnings.push(
          l10n.t(
            'npm did not install the Linux {0} packages these packages list: {1}. A lockfile written on another platform records only that platform\'s packages: update it with "npm install --os=linux --cpu={0} --libc=glibc" (or delete it and install again) and build again.',
            cpu,
            missing.join(', '),
          ),
        );
      return {
        content: { root: 'nodejs', files: result.files, links: result.links, dirs: result.dirs },
        packages: summarizeNodePackages(result.files, result.installed, new Set(dependencies)),
        owners: nodeOwners(result.files, result.installed),
        bytecode: false,
        warnings,
        cacheFiles: result.cacheFiles,
        scanSkips: (path) => unloadedPrebuild(path, cpu),
        close: async () => undefined,
      };
    },
    async finish(staged, finishLog) {
      if (staged.cacheFiles.length === 0) return;
      await cache
        .evict(staged.cacheFiles)
        .catch((e: unknown) => finishLog.debug(`Could not trim the build cache ${cache.dir}: ${errorMessage(e)}`));
    },
  };

  return stager;

  /** npm's lockfile: the project's, or the one npm resolves (without installing) in the staging copy. */
  async function lockPlan(context: StageContext): Promise<LockPlan | undefined> {
    if (tool !== 'npm' || plan) return plan;
    const dir = await stagingProject(context);
    const args = [
      ...npmInstallArgs({ command: 'install', target, ignoreScripts: true, prefix: prefixOf(dir) }),
      '--package-lock-only',
    ];
    context.progress({ message: l10n.t('Resolving package versions with {0}', 'npm install --package-lock-only') });
    await runNpm(tool, args, dir, env, context);
    return planOf(await fs.readFile(join(dir, 'package-lock.json'), 'utf8'));
  }

  /** When npm's own rules fully decide, the lockfile's tarballs go straight into the zip; else undefined. */
  async function streamed(context: StageContext): Promise<Installed | undefined> {
    const planned = await lockPlan(context);
    if (!planned) return undefined;
    if ('npmNeeded' in planned) {
      context.log.info(l10n.t('npm installs the packages: {0}.', planned.npmNeeded));
      return undefined;
    }
    const fetch = await settings!;
    if ('npmNeeded' in fetch) {
      context.log.info(l10n.t('npm installs the packages: {0}.', fetch.npmNeeded));
      return undefined;
    }
    context.progress({
      message: l10n.t(
        'Unpacking {0} packages of package-lock.json for {1} ({2})',
        planned.packages.length,
        target.runtime,
        target.architecture,
      ),
    });
    const done = await streamInstall(planned.packages, fetch, cache, context, npmCpu(target), planned.bundled);
    if ('npmNeeded' in done) {
      context.log.info(l10n.t('npm installs the packages: {0}.', done.npmNeeded));
      unavailable = done.unavailable;
      return undefined;
    }
    context.log.info(
      l10n.t(
        'Unpacked {0} packages from their tarballs into the layer, as npm ci --omit=dev installs them for Linux {1} (glibc); no package scripts ran.',
        planned.packages.length,
        npmCpu(target),
      ),
    );
    for (const skipped of planned.skipped) context.log.debug(`left out for Linux ${npmCpu(target)}: ${skipped}`);
    return { ...done, dirs: ['node_modules'], warnings: [] };
  }

  /** The staging copy of package.json, the lockfile and the settings files the installer reads, made once. */
  function stagingProject(context: StageContext): Promise<string> {
    return (stagingDir ??= writeStagingProject(join(context.staging.dir, 'nodejs')));
  }

  async function writeStagingProject(work: string): Promise<string> {
    await fs.mkdir(work);
    // The root's own lifecycle scripts (prepare, postinstall …) belong to the project, whose sources are not here.
    await fs.writeFile(join(work, 'package.json'), JSON.stringify({ ...packageJson, scripts: undefined }, null, 2));
    if (lock.lockfile) await fs.writeFile(join(work, lock.lockfile), lockText!);
    // The project's .npmrc (registry, scopes, auth) applies as it does in the project; it never reaches the zip.
    if (projectNpmrc !== undefined) await fs.writeFile(join(work, '.npmrc'), projectNpmrc);
    if (tool === 'pnpm')
      await fs.writeFile(join(work, 'pnpm-workspace.yaml'), pnpmWorkspaceYaml(workspaceYaml, target));
    if (yarn === 'berry')
      await fs.writeFile(join(work, '.yarnrc.yml'), yarnrcYaml(yarnrc, target, { enableScripts: !cross, projectDir }));
    // Yarn Classic reads the project's .yarnrc (registry, mirrors) from the folder it installs in.
    if (yarn === 'classic' && classicYarnrc !== undefined) await fs.writeFile(join(work, '.yarnrc'), classicYarnrc);
    return work;
  }

  /** npm (pnpm, Yarn) installs into the staging folder; the installed tree is then listed. */
  async function installWithTool(context: StageContext): Promise<Installed> {
    const work = await stagingProject(context);
    // Install scripts on a machine that is not the target would build or download binaries for this machine
    // (and run package code for nothing), so cross builds skip them; packages that need them are named below.
    const prefix = prefixOf(work);
    const args =
      tool === 'pnpm'
        ? pnpmInstallArgs({ ignoreScripts: cross })
        : yarn
          ? yarnInstallArgs(yarn)
          : npmInstallArgs({ command, target, ignoreScripts: cross, prefix });
    context.progress({
      message: l10n.t(
        'Installing packages for {0} ({1}) with {2}',
        target.runtime,
        target.architecture,
        commandName(tool, args),
      ),
    });
    await runNpm(tool, args, work, env, context);
    context.progress({ message: l10n.t('Installed'), increment: SHARE.install });
    const tree = await installedTree(work, context.signal);
    const installed = await readInstalled(work, tree);
    const warnings = installChecks(installed, tree, target, host, cross, !!options.allowIncompatible);
    const files: LayerFile[] = tree.files.map((f) => ({
      path: f.path,
      size: f.size,
      executable: f.executable,
      source: { disk: f.abs },
    }));
    return { files, links: tree.links, dirs: tree.dirs, installed, warnings, cacheFiles: [] };
  }
}

/**
 * npm runs on a copy of package.json in a staging folder, so what lives beside the project cannot come along:
 * workspaces and dependencies on local folders (`workspace:` ones too, pnpm's and Yarn's siblings) are refused up
 * front with what to do, rather than as npm's ENOENT.
 */
function checkStandalone(packageJson: Manifest, sourcePath: string): void {
  if (packageJson.workspaces !== undefined)
    throw new UserError(
      l10n.t(
        '{0} declares npm workspaces, which a layer build does not install. Build from the package.json of the workspace package the layer is for.',
        sourcePath,
      ),
    );
  const local = Object.entries({ ...objectOr(packageJson.dependencies), ...objectOr(packageJson.optionalDependencies) })
    .filter(([, spec]) => typeof spec === 'string' && /^(file:|link:|workspace:|\.{0,2}\/|~\/)/.test(spec))
    .map(([name, spec]) => `${name} (${String(spec)})`);
  if (local.length > 0)
    throw new UserError(
      l10n.t(
        'These dependencies of {0} are local folders, which a layer build cannot install: {1}. Publish them to your registry (a private one works: npm reads it from .npmrc), depend on the published versions and build again.',
        sourcePath,
        local.join(', '),
      ),
    );
}

/** What either way of installing hands the stager. */
interface Installed {
  files: LayerFile[];
  links: StagedLink[];
  dirs: string[];
  installed: InstalledPackage[];
  warnings: string[];
  cacheFiles: string[];
}

type Manifest = PackageManifest & { dependencies?: unknown; [key: string]: unknown };

async function readPackageJson(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    throw new UserError(l10n.t('Cannot read {0}: {1}', path, (e as Error).message));
  }
  try {
    const parsed = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Manifest;
  } catch {
    // reported below
  }
  throw new UserError(l10n.t('{0} is not a valid package.json (a JSON object). Fix it and build again.', path));
}

function objectOr(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function hostName(host: Host): string {
  return `${HOST_NAMES[host.platform] ?? host.platform} ${host.arch}${host.libc === 'musl' ? ' (musl)' : ''}`;
}

function thisHost(): Host {
  if (process.platform !== 'linux') return { platform: process.platform, arch: process.arch };
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return { platform: 'linux', arch: process.arch, libc: header?.glibcVersionRuntime ? 'glibc' : 'musl' };
}

const NPM_MISSING = () =>
  new UserError(l10n.t('npm was not found on PATH. Install Node.js (with npm 10.3 or later) and build again.'));

async function runToolVersion(
  tool: NodeInstaller,
  env: NodeJS.ProcessEnv,
  cwd: string,
  signal?: AbortSignal,
): Promise<string> {
  const result = await runProcess(...npmInvocation(process.platform, ['--version'], env, tool), {
    cwd,
    env,
    signal,
  }).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? NPM_MISSING() : e;
  });
  if (result.code !== 0) throw NPM_MISSING();
  return result.output.trim().split(/\s+/).pop() ?? '';
}

/** "npm ci", "pnpm install", "yarn workspaces focus": the command without its flags, for progress and errors. */
function commandName(tool: NodeInstaller, args: readonly string[]): string {
  const firstFlag = args.findIndex((a) => a.startsWith('-'));
  return [tool, ...args.slice(0, firstFlag < 0 ? args.length : firstFlag)].join(' ');
}

async function runNpm(
  tool: NodeInstaller,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  context: StageContext,
): Promise<void> {
  const { log } = context;
  log.info(`${tool} ${args.join(' ')}`);
  const result = await runProcess(...npmInvocation(process.platform, args, env, tool), {
    cwd,
    env,
    signal: context.signal,
    onSpawn: (pid) => {
      context.onInstallerSpawn?.(pid);
      context.staging
        .recordInstaller(pid)
        .catch((e: unknown) => log.debug(`Could not record npm in ${context.staging.dir}: ${errorMessage(e)}`));
    },
    onLine: (line) => log.info(line),
  }).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? NPM_MISSING() : e;
  });
  if (result.code === 0) return;
  const tail = outputTail(result.output);
  throw new UserError(
    tool === 'npm' && args[0] === 'ci'
      ? l10n.t(
          'npm ci failed (exit code {0}). If package.json and package-lock.json disagree, run "npm install" in the project and build again. npm said:\n{1}',
          result.code ?? '?',
          tail,
        )
      : l10n.t('{0} failed (exit code {1}). It said:\n{2}', commandName(tool, args), result.code ?? '?', tail),
  );
}

/** The installed tree with paths relative to `nodejs/` ("node_modules/…"). */
async function installedTree(work: string, signal?: AbortSignal): Promise<StagedTree> {
  const root = join(work, 'node_modules');
  const tree = await walkTree(root, signal).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return { files: [], links: [], dirs: [], totalSize: 0 };
    throw e;
  });
  const under = (p: string) => `node_modules/${p}`;
  return {
    files: tree.files.map((f) => ({ ...f, path: under(f.path) })),
    links: tree.links.map((l) => ({ ...l, path: under(l.path) })),
    dirs: ['node_modules', ...tree.dirs.map(under)],
    totalSize: tree.totalSize,
  };
}

/** Every package folder with its package.json (name and version as installed). */
async function readInstalled(work: string, tree: StagedTree): Promise<InstalledPackage[]> {
  const dirs = tree.files.filter((f) => f.path === `${packageDirOf(f.path)}/package.json`);
  return Promise.all(
    dirs.map(async (f) => {
      const dir = f.path.slice(0, -'/package.json'.length);
      const manifest = await fs
        .readFile(join(work, f.path), 'utf8')
        .then((t) => JSON.parse(t) as PackageManifest)
        .catch((): PackageManifest => ({}));
      return installedPackage(dir, manifest);
    }),
  );
}

/**
 * Packages that build native code at install time: an error on a machine that is not the target (unless
 * incompatible files are allowed: then a warning), and a warning on a matching Linux machine when its Node.js
 * is another major version than the runtime's (addons not on Node-API are tied to one).
 */
function installChecks(
  installed: readonly InstalledPackage[],
  tree: StagedTree,
  target: NodeTarget,
  host: Host,
  cross: boolean,
  allowIncompatible: boolean,
): string[] {
  const paths = new Set(tree.files.map((f) => f.path));
  const cpu = npmCpu(target);
  const prebuilt = new Set(
    tree.files
      .filter((f) => /\/prebuilds\/[^/]+\/[^/]+\.node$/.test(f.path) && !unloadedPrebuild(f.path, cpu))
      .map((f) => packageDirOf(f.path)),
  );
  const builds = installed
    .map((p) => ({
      name: p.name,
      step: installTimeBuild(p.manifest, {
        hasBindingGyp: paths.has(`${p.dir}/binding.gyp`),
        hasTargetPrebuild: prebuilt.has(p.dir),
      }),
    }))
    .filter((b): b is { name: string; step: string } => b.step !== undefined)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  if (builds.length === 0) return [];
  if (cross) {
    const message = installTimeBuildMessage(builds, target, hostName(host), allowIncompatible);
    if (!allowIncompatible) throw new UserError(message);
    return [message];
  }
  const hostMajor = Number(process.versions.node.split('.')[0]);
  if (hostMajor === target.nodeMajor) return [];
  return [
    l10n.t(
      "Built native code with this machine's Node.js {0} for {1}: {2}. Addons that do not use Node-API load only on the Node.js major version they were built with; test the layer on {1}.",
      hostMajor,
      target.runtime,
      builds.map((b) => b.name).join(', '),
    ),
  ];
}
