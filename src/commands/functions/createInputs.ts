import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS } from '../../deploy/createFunction';
import {
  codeLanguage,
  defaultRuntime,
  findHandlerFunctions,
  functionNameFrom,
  handlerString,
  validateFunctionName,
} from '../../deploy/handlers';
import { FUNCTION_ROLE_NAME, LOCAL_ROLE_ARN } from '../../invoke/roles';
import {
  ARCHITECTURES,
  RUNTIMES,
  isArchitecture,
  isRuntime,
  runtimeLanguage,
  runtimesOf,
  type Architecture,
  type Language,
  type Runtime,
} from '../../layer/runtimes';
import { assertLayerLimit } from '../../ops/layerList';
import type { Services } from '../../services';
import { CancelledError, UserError } from '../../util/errors';
import { listOrAny } from '../../views/format';
import type { Connection } from '../../vscode/connectionController';
import { listBuiltZips } from '../builtZips';
import { pickExecutionRole } from '../executionRole';
import { askText, pickMany, pickOne } from '../prompts';

/**
 * Answers given by automation (tests, the UI flow) instead of asking. Each one given skips its prompt;
 * `useDefaults` takes the default of every other one; `confirmed` skips the preview of the zip.
 */
export interface CreateFunctionOptions {
  /** The code folder (absolute). */
  folder?: string;
  /** The handler's file in that folder (absolute). */
  handlerFile?: string;
  name?: string;
  runtime?: string;
  architecture?: string;
  /** module.function */
  handler?: string;
  memorySize?: number;
  timeout?: number;
  /** Layer version ARNs to attach; [] for none. */
  layers?: string[];
  role?: string;
  useDefaults?: boolean;
  confirmed?: boolean;
}

/** Files that usually hold the handler, most likely first. */
const HANDLER_FILES = [
  'lambda_function.py',
  'handler.py',
  'app.py',
  'main.py',
  'index.mjs',
  'index.js',
  'index.cjs',
  'handler.mjs',
  'handler.js',
  'app.mjs',
  'app.js',
];

/** The code folder and handler file: from the options, a file or folder Uri (Explorer), the active Python or JavaScript editor, or a folder dialog. */
export async function resolveSource(
  arg: unknown,
  options: CreateFunctionOptions,
): Promise<{ folder: string; handlerFile?: string }> {
  if (options.folder) return { folder: options.folder, handlerFile: options.handlerFile };
  const uri = arg instanceof vscode.Uri ? arg : activeCodeFile();
  if (uri) {
    const stat = await fs.stat(uri.fsPath);
    return stat.isDirectory() ? { folder: uri.fsPath } : { folder: path.dirname(uri.fsPath), handlerFile: uri.fsPath };
  }
  const [picked] =
    (await vscode.window.showOpenDialog({
      title: vscode.l10n.t('Create Function: the folder with the function code'),
      canSelectFiles: false,
      canSelectFolders: true,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      openLabel: vscode.l10n.t('Use This Folder'),
    })) ?? [];
  if (!picked) throw new CancelledError();
  return { folder: picked.fsPath };
}

function activeCodeFile(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.uri.scheme === 'file' && codeLanguage(doc.uri.fsPath) ? doc.uri : undefined;
}

/** The code's language: the handler file's, else that of the folder's likely handler file, else Node.js when a package.json is there. */
export async function sourceLanguage(folder: string, handlerFile: string | undefined): Promise<Language> {
  const file = handlerFile ?? (await likelyHandlerFile(folder));
  const language = file ? codeLanguage(file) : undefined;
  if (language) return language;
  return (await fs.stat(path.join(folder, 'package.json')).catch(() => undefined))?.isFile() ? 'nodejs' : 'python';
}

export async function askName(folder: string, options: CreateFunctionOptions): Promise<string> {
  if (options.name !== undefined) {
    const invalid = validateFunctionName(options.name);
    if (invalid) throw new UserError(invalid);
    return options.name;
  }
  const value = functionNameFrom(path.basename(folder));
  if (options.useDefaults) return value;
  return askText({
    title: vscode.l10n.t('Create Function'),
    prompt: vscode.l10n.t('Name of the new function'),
    value,
    validateInput: (v) => validateFunctionName(v.trim()),
  });
}

/**
 * `module.function` (Python) or `dir/file.export` (Node.js) from the handler file's handler functions; asked when
 * there is a choice or none.
 */
export async function askHandler(
  folder: string,
  handlerFile: string | undefined,
  options: CreateFunctionOptions,
  language: Language = 'python',
): Promise<string> {
  if (options.handler) return options.handler;
  const file = handlerFile ?? (await likelyHandlerFile(folder));
  const rel = file ? path.relative(folder, file) : language === 'python' ? 'lambda_function.py' : 'index.mjs';
  const functions = file ? findHandlerFunctions(await fs.readFile(file, 'utf8'), codeLanguage(file)) : [];
  const candidates = functions.map((fn) => handlerString(rel, fn));
  if (candidates.length === 1 || (candidates.length > 1 && options.useDefaults)) return candidates[0];
  if (candidates.length > 1) {
    const picked = await pickOne({
      title: vscode.l10n.t('Create Function'),
      placeholder: vscode.l10n.t('Select the handler: the function Lambda calls with (event, context)'),
      items: candidates.map((label) => ({ label })),
    });
    return picked.label;
  }
  const fallback = handlerString(rel, language === 'python' ? 'lambda_handler' : 'handler');
  if (options.useDefaults) return fallback;
  return askText({
    title: vscode.l10n.t('Create Function'),
    prompt: vscode.l10n.t('No function taking (event, context) was found in {0}. Handler (module.function):', rel),
    value: fallback,
    validateInput: (v) =>
      /^[\w./-]+\.\w+$/.test(v.trim())
        ? undefined
        : vscode.l10n.t('Write it as module.function, for example lambda_function.lambda_handler.'),
  });
}

/**
 * The usual handler file names first, else the first top-level Python or JavaScript file that has a handler
 * function (not a JavaScript file with a dot in its name, like jest.config.js: Lambda cannot load those).
 */
async function likelyHandlerFile(folder: string): Promise<string | undefined> {
  const names = (await fs.readdir(folder))
    .filter((n) => codeLanguage(n) === 'python' || (codeLanguage(n) === 'nodejs' && n.split('.').length === 2))
    .sort();
  const ordered = [
    ...HANDLER_FILES.filter((n) => names.includes(n)),
    ...names.filter((n) => !HANDLER_FILES.includes(n)),
  ];
  for (const name of ordered) {
    const file = path.join(folder, name);
    if (findHandlerFunctions(await fs.readFile(file, 'utf8'), codeLanguage(name)).length > 0) return file;
  }
  return undefined;
}

/** The runtime and architecture of the layer of the code's language built last in the workspace, else `defaultRuntime` on x86_64. */
export async function defaultTarget(
  language: Language = 'python',
): Promise<{ runtime: Runtime; architecture: Architecture; layerName?: string }> {
  const newest = (await listBuiltZips()).find((b) => runtimeLanguage(b.manifest!.runtime) === language)?.manifest;
  return newest
    ? { runtime: newest.runtime, architecture: newest.architecture, layerName: newest.layerName }
    : { runtime: defaultRuntime(language), architecture: 'x86_64' };
}

/** The runtime and architecture; the picker offers the runtimes of the code's language. */
export async function askTarget(
  options: CreateFunctionOptions,
  fallback: { runtime: Runtime; architecture: Architecture; layerName?: string },
  language: Language = 'python',
): Promise<{ runtime: Runtime; architecture: Architecture }> {
  const runtime = options.runtime ?? (options.useDefaults ? fallback.runtime : undefined);
  const architecture = options.architecture ?? (options.useDefaults ? fallback.architecture : undefined);
  if (runtime !== undefined && architecture !== undefined) {
    if (!isRuntime(runtime))
      throw new UserError(
        vscode.l10n.t('Unsupported runtime "{0}". Choose one of: {1}.', runtime, Object.keys(RUNTIMES).join(', ')),
      );
    if (!isArchitecture(architecture))
      throw new UserError(vscode.l10n.t('Unsupported architecture "{0}". Choose x86_64 or arm64.', architecture));
    return { runtime, architecture };
  }
  const items = (runtimesOf(language) as Runtime[])
    .flatMap((r) => ARCHITECTURES.map((a) => ({ label: `${r} · ${a}`, runtime: r, architecture: a })))
    .map((item) =>
      item.runtime === fallback.runtime && item.architecture === fallback.architecture && fallback.layerName
        ? { ...item, description: vscode.l10n.t('as the layer built last ({0})', fallback.layerName) }
        : item,
    );
  const picked = await pickOne({
    title: vscode.l10n.t('Create Function'),
    placeholder: vscode.l10n.t('Select the runtime and architecture (a layer must be built for the same ones)'),
    items,
    active: items.find((i) => i.runtime === fallback.runtime && i.architecture === fallback.architecture),
  });
  return { runtime: picked.runtime, architecture: picked.architecture };
}

export async function askLimits(options: CreateFunctionOptions): Promise<{ memorySize: number; timeout: number }> {
  const given = {
    memorySize: options.memorySize ?? DEFAULT_MEMORY_MB,
    timeout: options.timeout ?? DEFAULT_TIMEOUT_SECONDS,
  };
  if (options.useDefaults || (options.memorySize !== undefined && options.timeout !== undefined)) return given;
  const keep = vscode.l10n.t('Keep {0} MB and {1} s', given.memorySize, given.timeout);
  const picked = await pickOne({
    title: vscode.l10n.t('Create Function'),
    placeholder: vscode.l10n.t('Memory and timeout (change them later in the Lambda console)'),
    items: [{ label: keep }, { label: vscode.l10n.t('Change memory and timeout…') }],
  });
  if (picked.label === keep) return given;
  const memorySize = await askNumber(vscode.l10n.t('Memory in MB (128-10240)'), given.memorySize, 128, 10240);
  const timeout = await askNumber(vscode.l10n.t('Timeout in seconds (1-900)'), given.timeout, 1, 900);
  return { memorySize, timeout };
}

async function askNumber(prompt: string, value: number, min: number, max: number): Promise<number> {
  const text = await askText({
    title: vscode.l10n.t('Create Function'),
    prompt,
    value: String(value),
    validateInput: (v) => {
      const n = Number(v.trim());
      return Number.isInteger(n) && n >= min && n <= max
        ? undefined
        : vscode.l10n.t('A whole number from {0} to {1}.', min, max);
    },
  });
  return Number(text);
}

type LayerItem = vscode.QuickPickItem & { arn: string; layerName: string };

/** Layer versions to attach now: the latest version of each layer in the account, the one of the layer built last preselected. */
export async function askLayers(
  live: Connection,
  runtime: string,
  options: CreateFunctionOptions,
  preferred?: string,
): Promise<string[]> {
  if (options.layers) {
    assertLayerLimit(options.layers);
    return options.layers;
  }
  const items: LayerItem[] = [];
  for await (const layer of live.lambda.listLayers()) {
    const latest = layer.LatestMatchingVersion;
    if (!layer.LayerName || !latest?.LayerVersionArn) continue;
    const runtimes = latest.CompatibleRuntimes ?? [];
    const fits = runtimes.length === 0 || runtimes.includes(runtime as never);
    items.push({
      label: `$(layers) ${layer.LayerName}:${latest.Version}`,
      description: fits ? listOrAny(runtimes) : vscode.l10n.t('{0} (not {1})', listOrAny(runtimes), runtime),
      arn: latest.LayerVersionArn,
      layerName: layer.LayerName,
    });
  }
  const selected = items.filter((i) => i.layerName === preferred);
  if (options.useDefaults || items.length === 0) return selected.map((i) => i.arn);
  const picked = await pickMany({
    title: vscode.l10n.t('Create Function'),
    placeholder: vscode.l10n.t('Select the layers to attach now (up to 5), or none'),
    items,
    selected,
  });
  const arns = picked.map((i) => i.arn);
  assertLayerLimit(arns);
  return arns;
}

/** Any role on the local endpoint (it runs functions without IAM); on AWS one Lambda can assume. */
export async function askRole(services: Services, live: Connection, options: CreateFunctionOptions): Promise<string> {
  if (options.role) return options.role;
  if (live.isLocal) return LOCAL_ROLE_ARN;
  return pickExecutionRole(services, live, {
    title: vscode.l10n.t('Execution Role for the Function'),
    placeholder: vscode.l10n.t('The function runs with this role: its permissions are what the code may do in AWS'),
    roleName: FUNCTION_ROLE_NAME,
    stateKey: 'lambdaLayers.functionRole',
  });
}
