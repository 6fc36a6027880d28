import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { withCancellableProgress } from './cancellableProgress';
import { IncompatibleFilesError, buildLayer, sourceLanguage, type BuildResult } from '../layer/build';
import { loadRequirements } from '../layer/requirements';
import type { Architecture, Runtime } from '../layer/runtimes';
import type { Services } from '../services';
import { CancelledError, UserError } from '../util/errors';
import { formatBytes } from '../util/format';
import { readBuildSettings } from '../vscode/buildSettings';
import { isReportOpen, updateReportIfOpen } from '../views/reportPanel';
import { showLayerImports } from './showBuildReport';
import {
  askChoices,
  pickRequirementsFile,
  rememberChoices,
  rememberedChoices,
  type BuildChoices,
} from './buildChoices';
import { packageCount } from './builtZips';
import { callWithErrorHandling } from './commandWrapper';

/** Arguments for automation and tests; whatever is left out is asked for. */
export interface BuildCommandOptions {
  requirementsUri?: vscode.Uri | string;
  runtime?: Runtime;
  architecture?: Architecture;
  name?: string;
  /** Rebuild even when the previous zip matches the inputs. */
  force?: boolean;
  /** Keep files that will not load on the target. Undefined: ask when the scan finds some. */
  allowIncompatible?: boolean;
}

/**
 * Builds a layer zip from a requirements file or a package.json: from its Explorer context menu (a Uri), the Layers view's
 * title (nothing) or the palette (picks a file), or with `BuildCommandOptions`. Returns the build's result.
 */
export function buildLayerCommand(services: Services, arg?: unknown): Promise<BuildResult> {
  return run(services, toOptions(arg), false);
}

/** Like build, but never reuses the previous zip; with remembered choices for the file it asks nothing. */
export function rebuildLayerCommand(services: Services, arg?: unknown): Promise<BuildResult> {
  return run(services, { ...toOptions(arg), force: true }, true);
}

function toOptions(arg: unknown): BuildCommandOptions {
  if (arg instanceof vscode.Uri) return { requirementsUri: arg };
  if (typeof arg === 'string') return { requirementsUri: arg };
  if (arg && typeof arg === 'object' && !(arg instanceof vscode.TreeItem)) return arg as BuildCommandOptions;
  return {};
}

async function run(services: Services, options: BuildCommandOptions, rebuild: boolean): Promise<BuildResult> {
  requireTrust();
  const title = rebuild ? vscode.l10n.t('Rebuild Lambda Layer') : vscode.l10n.t('Build Lambda Layer');
  const requirements = options.requirementsUri
    ? typeof options.requirementsUri === 'string'
      ? vscode.Uri.file(options.requirementsUri)
      : options.requirementsUri
    : await pickRequirementsFile(services, title);
  if (requirements.scheme !== 'file')
    throw new UserError(vscode.l10n.t('Layers can only be built from files on this machine.'));
  await requirePackages(requirements);
  const given = { runtime: options.runtime, architecture: options.architecture, name: options.name };
  const choices = await askChoices(
    services,
    requirements,
    rebuild ? { ...rememberedChoices(services, requirements), ...defined(given) } : given,
    title,
  );
  await rememberChoices(services, requirements, choices);

  let allowIncompatible = options.allowIncompatible ?? false;
  for (;;) {
    try {
      const result = await buildWithProgress(services, requirements, choices, {
        force: options.force,
        allowIncompatible,
      });
      if (isReportOpen(result.manifestPath)) {
        updateReportIfOpen(result.manifestPath, result.manifest);
        void showLayerImports(services, result.manifestPath, result.manifest);
      }
      return result;
    } catch (e) {
      // Asked once: "Build Anyway" repeats the build keeping the flagged files.
      if (!(e instanceof IncompatibleFilesError) || options.allowIncompatible !== undefined || allowIncompatible)
        throw e;
      if (!(await confirmBuildAnyway(e))) throw new CancelledError();
      allowIncompatible = true;
    }
  }
}

/** An empty requirements file fails before the runtime, architecture and name are asked for, offering to open it. */
async function requirePackages(requirements: vscode.Uri): Promise<void> {
  if (sourceLanguage(requirements.fsPath) !== 'python') return; // the Node.js stager says what package.json lacks
  const loaded = await loadRequirements(requirements.fsPath).catch(() => undefined); // unreadable: the build says why
  if (loaded && loaded.requirements.length === 0) {
    throw new UserError(
      vscode.l10n.t('The requirements file lists no packages: {0}', vscode.workspace.asRelativePath(requirements)),
      undefined,
      [{ title: vscode.l10n.t('Open File'), command: 'vscode.open', args: [requirements] }],
    );
  }
}

/** Restricted Mode: building runs pip on the workspace's files, so it waits until the workspace is trusted. */
function requireTrust(): void {
  if (vscode.workspace.isTrusted) return;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t(
        'Building layers is disabled in Restricted Mode: a build runs pip on the requirements of this workspace. Trust the workspace to build layers.',
      ),
      manage,
    )
    .then((choice) => choice === manage && vscode.commands.executeCommand('workbench.trust.manage'));
  throw new CancelledError();
}

async function buildWithProgress(
  services: Services,
  requirements: vscode.Uri,
  choices: BuildChoices,
  flags: { force?: boolean; allowIncompatible: boolean },
): Promise<BuildResult> {
  const { log } = services;
  const settings = await readBuildSettings(requirements, log);
  await ignoreInGit(settings.outputDirectory);
  const started = Date.now();
  log.info(
    `Building layer ${choices.name} from ${requirements.fsPath} for ${choices.runtime} (${choices.architecture}) into ${settings.outputDirectory}`,
  );
  const result = await withCancellableProgress(vscode.l10n.t('Building layer {0}', choices.name), (report, signal) =>
    buildLayer(
      {
        sourcePath: requirements.fsPath,
        runtime: choices.runtime,
        architecture: choices.architecture,
        layerName: choices.name,
        outDir: settings.outputDirectory,
        fileBase: `${choices.name}-${choices.runtime}-${choices.architecture}`,
        options: {
          installer: settings.installer,
          pythonPath: settings.pythonPath,
          allowSourceBuilds: settings.allowSourceBuilds,
          cacheDirectory: settings.cacheDirectory,
          slim: settings.slim,
          allowIncompatible: flags.allowIncompatible,
          force: flags.force,
        },
      },
      { signal, log, progress: (p) => report(p.message, p.increment) },
    ),
  );
  void showSummary(services, requirements, choices, result, Date.now() - started);
  return result;
}

/** A new output folder gets a `.gitignore` of its own, so built zips stay out of commits. */
async function ignoreInGit(outputDirectory: string): Promise<void> {
  if (existsSync(outputDirectory)) return;
  await fs.mkdir(outputDirectory, { recursive: true });
  await fs.writeFile(
    path.join(outputDirectory, '.gitignore'),
    '# Layer zips and manifests built by Lambda Layers\n*\n',
  );
}

async function confirmBuildAnyway(error: IncompatibleFilesError): Promise<boolean> {
  const [summary, ...details] = error.message.split('\n');
  const buildAnyway = vscode.l10n.t('Build Anyway');
  const choice = await vscode.window.showWarningMessage(
    summary,
    { modal: true, detail: details.join('\n') },
    buildAnyway,
  );
  return choice === buildAnyway;
}

/** The outcome in one notification with the next steps; not awaited, so the command finishes. */
async function showSummary(
  services: Services,
  requirements: vscode.Uri,
  choices: BuildChoices,
  result: BuildResult,
  elapsedMs: number,
): Promise<void> {
  const { manifest } = result;
  const packages = packageCount(manifest);
  const unzipped = formatBytes(manifest.unzippedSize);
  const zipped = formatBytes(manifest.zippedSize);
  let message = result.reused
    ? vscode.l10n.t(
        'Layer {0} reused from cache (nothing changed): {1}, {2} unzipped, {3} zipped.',
        manifest.layerName,
        packages,
        unzipped,
        zipped,
      )
    : vscode.l10n.t(
        'Built layer {0}: {1}, {2} unzipped, {3} zipped, in {4} s.',
        manifest.layerName,
        packages,
        unzipped,
        zipped,
        (elapsedMs / 1000).toFixed(1),
      );
  const standIn = standInWheels((manifest.packageSources ?? []).map((s) => s.url));
  if (standIn)
    message += ' ' + vscode.l10n.t("Packages came from the demo's stand-in wheels ({0}), not PyPI.", standIn);
  const warnings = manifest.warnings.length;
  if (warnings > 0)
    message +=
      ' ' +
      (warnings === 1
        ? vscode.l10n.t('1 warning: see the report.')
        : vscode.l10n.t('{0} warnings: see the report.', warnings));
  const publish = vscode.l10n.t('Publish');
  const report = vscode.l10n.t('Show Report');
  const reveal = vscode.l10n.t('Reveal Zip');
  const rebuild = vscode.l10n.t('Rebuild');
  const actions = result.reused ? [publish, report, reveal, rebuild] : [publish, report, reveal];
  const choice =
    manifest.warnings.length > 0
      ? await vscode.window.showWarningMessage(message, ...actions)
      : await vscode.window.showInformationMessage(message, ...actions);
  const zipUri = vscode.Uri.file(result.zipPath);
  await callWithErrorHandling(services, 'build summary', async () => {
    if (choice === publish) await vscode.commands.executeCommand('lambdaLayers.publishLayer', zipUri);
    else if (choice === report)
      await vscode.commands.executeCommand('lambdaLayers.showBuildReport', vscode.Uri.file(result.manifestPath));
    else if (choice === reveal) await revealZip(zipUri);
    else if (choice === rebuild)
      await vscode.commands.executeCommand('lambdaLayers.rebuildLayer', { requirementsUri: requirements, ...choices });
  });
}

/** The demo's (and the tests') offline wheelhouse, when the build read from it: `npm start` sets the variable. */
function standInWheels(sources: string[]): string | undefined {
  const dir = process.env.LAMBDA_LAYERS_STAND_IN_WHEELS;
  return dir && sources.includes(dir) ? dir : undefined;
}

/** In the Explorer when the zip is inside the workspace (the default), else in the OS file manager. */
async function revealZip(zip: vscode.Uri): Promise<void> {
  const inWorkspace = vscode.workspace.getWorkspaceFolder(zip) !== undefined;
  await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', zip);
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
