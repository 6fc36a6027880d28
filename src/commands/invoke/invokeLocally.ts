import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  codeLanguage,
  findHandlerFunctions,
  handlerModuleFiles,
  handlerString,
  isUsualHandlerName,
  runtimeCodeLanguage,
} from '../../deploy/handlers';
import { invokeLocally as runLocally, localRuntimeFor, type LocalLayer } from '../../invoke/localInvoke';
import type { InvokeView } from '../../invoke/result';
import { runtimesOf, type Language } from '../../layer/runtimes';
import type { FunctionNode } from '../../model/nodes';
import type { Services } from '../../services';
import { CancelledError, UserError } from '../../util/errors';
import { FunctionItem } from '../../views/items/functionItem';
import { pickBuiltZip } from '../builtZips';
import { withCancellableProgress } from '../cancellableProgress';
import { askText } from '../prompts';
import { chooseEvent, type EventOptions } from './eventPicker';

export interface LocalInvokeOptions extends EventOptions {
  /** The handler's .py, .js, .mjs or .cjs file; its folder plays /var/task. */
  file?: string;
  /** The handler function in that file. */
  handlerFunction?: string;
  runtime?: string;
  /** Layer zips in merge order; `[]` runs without layers. */
  layerZips?: string[];
}

const CODE_EXCLUDE = '**/{node_modules,.git,.lambda-layers,.venv,venv,site-packages,__pycache__}/**';
const PREFERRED_FILES = [
  'handler.py',
  'lambda_function.py',
  'app.py',
  'main.py',
  'index.js',
  'index.mjs',
  'handler.js',
];

/**
 * Runs a workspace handler on this machine with a built layer as /opt (the same runtime code as the
 * local endpoint) and shows the result page, with a warning when the local Python or Node.js is another version.
 * From a Python or JavaScript file, a function node (its handler and runtime), or the palette; `options` skip the
 * questions.
 */
export async function invokeLocally(
  services: Services,
  arg?: unknown,
  options: LocalInvokeOptions = {},
): Promise<InvokeView> {
  const fn = arg instanceof FunctionItem ? services.explorer.model?.getFunction(arg.name) : undefined;
  const fromHandler = fn ? await fileOfHandler(fn) : undefined;
  const file =
    options.file ?? (arg instanceof vscode.Uri ? arg.fsPath : (fromHandler?.file ?? (await pickHandlerFile())));
  const language = codeLanguage(file);
  if (!language) throw new UserError(vscode.l10n.t('{0} is not a Python or JavaScript file.', path.basename(file)));
  const handlerFunction =
    options.handlerFunction ?? fromHandler?.function ?? (await pickHandlerFunction(file, language));
  const layer = options.layerZips ? { zips: options.layerZips } : await pickLayerZip();
  const runtime =
    options.runtime ?? fn?.runtime ?? localRuntimeFor(language, layer.runtime) ?? (await pickRuntime(language));
  const name = fn?.name ?? path.basename(file, path.extname(file));
  const event = await chooseEvent(services, name, options);
  const handler = handlerString(path.basename(file), handlerFunction);
  const at = new Date();
  const run = await withCancellableProgress(vscode.l10n.t('Running {0} locally', handler), (_report, signal) =>
    runLocally({
      codeDir: path.dirname(file),
      handler,
      runtime,
      layers: layer.zips.map((zip): LocalLayer => ({ zip })),
      event: event.payload,
      functionName: name,
      memoryMb: fn?.memory,
      signal,
    }),
  );
  const again: LocalInvokeOptions = {
    file,
    handlerFunction,
    runtime,
    layerZips: layer.zips,
    ...(event.name !== undefined ? { eventName: event.name } : { payload: event.text }),
  };
  await services.invokeResults.show({
    key: `${name} (local)`,
    functionName: name,
    target: vscode.l10n.t('This machine · {0} · {1}', runtime, handler),
    view: run.view,
    at,
    eventName: event.name,
    warnings: run.versionWarning ? [run.versionWarning] : [],
    rerun: () => vscode.commands.executeCommand('lambdaLayers.invokeLocally', undefined, again),
  });
  return run.view;
}

/**
 * `pkg.module.function` → the workspace file `pkg/module.py`; `dir/file.export` (Node.js) → `dir/file.js`, .mjs or
 * .cjs: when there is exactly one such file.
 */
async function fileOfHandler(fn: FunctionNode): Promise<{ file: string; function: string } | undefined> {
  const handler = fn.handler ?? '';
  const language = runtimeCodeLanguage(fn.runtime);
  const files = handlerModuleFiles(handler, language)?.filter((f) => codeLanguage(f) === language);
  if (!files?.length) return undefined;
  // Python: the function follows the module's last dot; Node.js: the export path follows the file name's first dot.
  const exported =
    language === 'python'
      ? handler.slice(handler.lastIndexOf('.') + 1)
      : handler.slice(handler.indexOf('.', handler.lastIndexOf('/') + 1) + 1);
  const found = await vscode.workspace.findFiles(`**/{${files.join(',')}}`, CODE_EXCLUDE, 2);
  return found.length === 1 ? { file: found[0].fsPath, function: exported } : undefined;
}

async function pickHandlerFile(): Promise<string> {
  const active = vscode.window.activeTextEditor?.document;
  const activePath = active?.uri.scheme === 'file' && codeLanguage(active.uri.fsPath) ? active.uri.fsPath : undefined;
  const files = (await vscode.workspace.findFiles('**/*.{py,js,mjs,cjs}', CODE_EXCLUDE, 500)).map((u) => u.fsPath);
  if (files.length === 0 && !activePath)
    throw new UserError(vscode.l10n.t('There is no Python or JavaScript file in the workspace to run.'));
  const rank = (f: string) => (f === activePath ? 0 : PREFERRED_FILES.includes(path.basename(f)) ? 1 : 2);
  const ordered = [...new Set([...(activePath ? [activePath] : []), ...files])].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
  const picked = await vscode.window.showQuickPick(
    ordered.map((f) => ({
      label: `$(file-code) ${path.basename(f)}`,
      description: vscode.workspace.asRelativePath(path.dirname(f)),
      file: f,
    })),
    {
      title: vscode.l10n.t('Invoke Locally'),
      placeHolder: vscode.l10n.t('Select the file with the handler'),
      matchOnDescription: true,
    },
  );
  if (!picked) throw new CancelledError();
  return picked.file;
}

/** The handler functions of the file (see `findHandlerFunctions`); one obvious handler is taken without asking. */
async function pickHandlerFunction(file: string, language: Language): Promise<string> {
  const source = await fs.readFile(file, 'utf8').catch(() => {
    throw new UserError(vscode.l10n.t('Cannot read {0}.', file));
  });
  const candidates = findHandlerFunctions(source, language);
  const preferred = candidates.filter((c) => isUsualHandlerName(c, language));
  if (candidates.length === 1) return candidates[0];
  if (preferred.length === 1) return preferred[0];
  if (candidates.length === 0) {
    const python = language === 'python';
    return askText({
      title: vscode.l10n.t('Invoke Locally'),
      prompt: vscode.l10n.t('Name of the handler function in {0}', path.basename(file)),
      value: python ? 'lambda_handler' : 'handler',
      validateInput: (v) =>
        python
          ? /^[A-Za-z_]\w*$/.test(v.trim())
            ? undefined
            : vscode.l10n.t('Not a Python function name')
          : /^[A-Za-z_$][\w$]*$/.test(v.trim())
            ? undefined
            : vscode.l10n.t('Not a JavaScript export name'),
    });
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((c) => ({
      label: `$(symbol-method) ${c}`,
      description: handlerString(path.basename(file), c),
      name: c,
    })),
    { title: vscode.l10n.t('Invoke Locally'), placeHolder: vscode.l10n.t('Select the handler function') },
  );
  if (!picked) throw new CancelledError();
  return picked.name;
}

/** A layer zip from the build output folders (its manifest gives the runtime), or any zip. */
async function pickLayerZip(): Promise<{ zips: string[]; runtime?: string }> {
  const built = await pickBuiltZip(vscode.l10n.t('Invoke Locally: layer to use as /opt'));
  return { zips: [built.zipPath], runtime: built.manifest?.runtime };
}

async function pickRuntime(language: Language): Promise<string> {
  const picked = await vscode.window.showQuickPick(runtimesOf(language), {
    title: vscode.l10n.t('Invoke Locally'),
    placeHolder:
      language === 'python'
        ? vscode.l10n.t('Select the Python runtime the function uses on Lambda')
        : vscode.l10n.t('Select the Node.js runtime the function uses on Lambda'),
  });
  if (!picked) throw new CancelledError();
  return picked;
}
