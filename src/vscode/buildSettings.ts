import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InstallerChoice } from '../layer/installer';
import { errorMessage } from '../util/errors';
import type { Log } from '../util/log';

/** Relative to the workspace folder unless absolute. Matches the setting's default in package.json. */
const DEFAULT_OUTPUT_DIRECTORY = '.lambda-layers/build';

/** The `lambdaLayers.build.*` settings for one requirements file (workspace-folder settings apply). */
export interface BuildSettings {
  installer: InstallerChoice;
  /** Undefined: the build's own default (`python3`). */
  pythonPath?: string;
  allowSourceBuilds: boolean;
  /** Absolute folder for zips and manifests. */
  outputDirectory: string;
  /** Undefined: the build cache's default folder. */
  cacheDirectory?: string;
  /** Leave out tests, docs, examples, type stubs and C sources (proven by importing every module). */
  slim: boolean;
}

export async function readBuildSettings(requirements: vscode.Uri, log: Log): Promise<BuildSettings> {
  const config = vscode.workspace.getConfiguration('lambdaLayers.build', requirements);
  const installer = config.get<string>('installer');
  return {
    installer: installer === 'pip' || installer === 'uv' ? installer : 'auto',
    pythonPath: nonEmpty(config.get<string>('pythonPath')) ?? (await interpreterOfPythonExtension(requirements, log)),
    allowSourceBuilds: config.get<boolean>('allowSourceBuilds') === true,
    outputDirectory: outputDirectoryFor(requirements),
    cacheDirectory: buildCacheDirectorySetting(requirements),
    slim: config.get<boolean>('slim') === true,
  };
}

/** `lambdaLayers.build.cacheDirectory`, when set (a path starting with "~" is under the home folder). */
export function buildCacheDirectorySetting(resource?: vscode.Uri): string | undefined {
  const value = nonEmpty(
    vscode.workspace.getConfiguration('lambdaLayers.build', resource).get<string>('cacheDirectory'),
  );
  return value && /^~[\\/]/.test(value) ? path.join(os.homedir(), value.slice(2)) : value;
}

/** Where builds of this file go: the setting resolved against its workspace folder (or its own folder outside one). */
function outputDirectoryFor(resource: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(resource);
  const base = folder?.uri.fsPath ?? path.dirname(resource.fsPath);
  return resolveOutputDirectory(base, vscode.workspace.getConfiguration('lambdaLayers.build', resource));
}

/** The output folder of every workspace folder (publish lists the zips found there). */
export function allOutputDirectories(): string[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const dirs = folders.map((f) =>
    resolveOutputDirectory(f.uri.fsPath, vscode.workspace.getConfiguration('lambdaLayers.build', f.uri)),
  );
  return [...new Set(dirs)];
}

export function s3BucketSetting(resource?: vscode.Uri): string | undefined {
  return nonEmpty(vscode.workspace.getConfiguration('lambdaLayers.publish', resource).get<string>('s3Bucket'));
}

function resolveOutputDirectory(base: string, config: vscode.WorkspaceConfiguration): string {
  return path.resolve(base, nonEmpty(config.get<string>('outputDirectory')) ?? DEFAULT_OUTPUT_DIRECTORY);
}

interface PythonEnvironmentPath {
  readonly id: string;
  readonly path: string;
}

/** The part of the Python extension's API (`ms-python.python`) used here; it is optional, never a dependency. */
interface PythonExtensionApi {
  readonly environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): PythonEnvironmentPath;
    resolveEnvironment(
      environment: PythonEnvironmentPath,
    ): Promise<{ readonly executable: { readonly uri?: vscode.Uri } } | undefined>;
  };
}

/** The interpreter selected in the Python extension for this file, when that extension is installed. */
async function interpreterOfPythonExtension(resource: vscode.Uri, log: Log): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!extension) return undefined;
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const environments = api?.environments;
    if (!environments) return undefined;
    const active = environments.getActiveEnvironmentPath(resource);
    const resolved = await environments.resolveEnvironment(active);
    const interpreter = resolved?.executable.uri?.fsPath ?? active.path;
    log.info(`Using the Python extension's interpreter for ${resource.fsPath}: ${interpreter}`);
    return interpreter;
  } catch (e) {
    log.warn(`Could not ask the Python extension for its interpreter: ${errorMessage(e)}`);
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
