import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { invokeLocally as runLocally, type LocalLayer } from '../../invoke/localInvoke';
import type { InvokeView } from '../../invoke/result';
import { runtimesOf } from '../../layer/runtimes';
import type { FunctionNode } from '../../model/nodes';
import type { Services } from '../../services';
import { CancelledError, UserError } from '../../util/errors';
import { FunctionItem } from '../../views/items/functionItem';
import { pickBuiltZip } from '../builtZips';
import { withCancellableProgress } from '../cancellableProgress';
import { askText } from '../prompts';
import { chooseEvent, type EventOptions } from './eventPicker';

export interface LocalInvokeOptions extends EventOptions {
  /** The handler's .py file; its folder plays /var/task. */
  file?: string;
  /** The handler function in that file. */
  handlerFunction?: string;
  runtime?: string;
  /** Layer zips in merge order; `[]` runs without layers. */
  layerZips?: string[];
}

const PYTHON_EXCLUDE = '**/{node_modules,.git,.lambda-layers,.venv,venv,site-packages,__pycache__}/**';
const PREFERRED_FILES = ['handler.py', 'lambda_function.py', 'app.py', 'main.py'];
const PREFERRED_FUNCTIONS = ['lambda_handler', 'handler'];

/**
 * Runs a workspace handler on this machine with a built layer as /opt (the same runtime code as the
 * local endpoint) and shows the result page, with a warning when the local Python is another version.
 * From a .py file, a function node (its handler and runtime), or the palette; `options` skip the questions.
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
  const handlerFunction = options.handlerFunction ?? fromHandler?.function ?? (await pickHandlerFunction(file));
  const layer = options.layerZips ? { zips: options.layerZips } : await pickLayerZip();
  const runtime = options.runtime ?? fn?.runtime ?? layer.runtime ?? (await pickRuntime());
  const name = fn?.name ?? path.basename(file, '.py');
  const event = await chooseEvent(services, name, options);
  const handler = `${path.basename(file, '.py')}.${handlerFunction}`;
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
    warnings: run.pythonWarning ? [run.pythonWarning] : [],
    rerun: () => vscode.commands.executeCommand('lambdaLayers.invokeLocally', undefined, again),
  });
  return run.view;
}

/** `pkg.module.function` → the workspace file `pkg/module.py`, when there is exactly that file. */
async function fileOfHandler(fn: FunctionNode): Promise<{ file: string; function: string } | undefined> {
  const m = /^(.+)\.([A-Za-z_]\w*)$/.exec(fn.handler ?? '');
  if (!m) return undefined;
  const relative = `${m[1].replace(/[./]/g, '/')}.py`;
  const found = await vscode.workspace.findFiles(`**/${relative}`, PYTHON_EXCLUDE, 2);
  return found.length === 1 ? { file: found[0].fsPath, function: m[2] } : undefined;
}

async function pickHandlerFile(): Promise<string> {
  const active = vscode.window.activeTextEditor?.document;
  const activePath = active?.languageId === 'python' && active.uri.scheme === 'file' ? active.uri.fsPath : undefined;
  const files = (await vscode.workspace.findFiles('**/*.py', PYTHON_EXCLUDE, 500)).map((u) => u.fsPath);
  if (files.length === 0 && !activePath)
    throw new UserError(vscode.l10n.t('There is no Python file in the workspace to run.'));
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

/** Top-level `def name(event, context)` functions; one obvious handler is taken without asking. */
async function pickHandlerFunction(file: string): Promise<string> {
  const source = await fs.readFile(file, 'utf8').catch(() => {
    throw new UserError(vscode.l10n.t('Cannot read {0}.', file));
  });
  const candidates = [
    ...source.matchAll(/^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(\s*[A-Za-z_]\w*[^,()]*,\s*[A-Za-z_]\w*[^,()]*\)/gm),
  ].map((m) => m[1]);
  const preferred = PREFERRED_FUNCTIONS.filter((f) => candidates.includes(f));
  if (candidates.length === 1) return candidates[0];
  if (preferred.length === 1) return preferred[0];
  if (candidates.length === 0) {
    return askText({
      title: vscode.l10n.t('Invoke Locally'),
      prompt: vscode.l10n.t('Name of the handler function in {0}', path.basename(file)),
      value: 'lambda_handler',
      validateInput: (v) => (/^[A-Za-z_]\w*$/.test(v.trim()) ? undefined : vscode.l10n.t('Not a Python function name')),
    });
  }
  const ordered = [...preferred, ...candidates.filter((c) => !preferred.includes(c))];
  const picked = await vscode.window.showQuickPick(
    ordered.map((c) => ({
      label: `$(symbol-method) ${c}`,
      description: `${path.basename(file, '.py')}.${c}`,
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

async function pickRuntime(): Promise<string> {
  const runtimes = runtimesOf('python');
  const picked = await vscode.window.showQuickPick(runtimes, {
    title: vscode.l10n.t('Invoke Locally'),
    placeHolder: vscode.l10n.t('Select the Python runtime the function uses on Lambda'),
  });
  if (!picked) throw new CancelledError();
  return picked;
}
