import * as vscode from 'vscode';
import { createFunctionFromFolder, type DeployPhase } from '../../deploy/createFunction';
import { runtimeCodeLanguage } from '../../deploy/handlers';
import type { Services } from '../../services';
import { withCancellableProgress } from '../cancellableProgress';
import { refreshFunctions } from '../layers/outcomes';
import { confirmCodePreview, zipFolder } from './codePreview';
import {
  askHandler,
  askLayers,
  askLimits,
  askName,
  askRole,
  askTarget,
  defaultTarget,
  resolveSource,
  sourceLanguage,
  type CreateFunctionOptions,
} from './createInputs';
import { rememberDeployment } from './functionFolders';

export interface CreatedFunctionSummary {
  functionName: string;
  functionArn?: string;
  codeSha256: string;
  /** Paths inside the code zip. */
  files: string[];
}

/**
 * Creates a function from a workspace folder (a handler file or folder from the Explorer, the active Python
 * editor, or a picked folder): name, handler, runtime and architecture, memory and timeout, layers and, on AWS,
 * the execution role; then a preview of the zip. Waits until Active, remembers the folder for Deploy Code,
 * reveals the function and offers Invoke. `options` answers any of the questions (see `CreateFunctionOptions`).
 */
export async function createFunction(
  services: Services,
  arg?: unknown,
  options: CreateFunctionOptions = {},
): Promise<CreatedFunctionSummary> {
  const live = services.connection.require();
  const source = await resolveSource(arg, options);
  const name = await askName(source.folder, options);
  const language = await sourceLanguage(source.folder, source.handlerFile);
  const handler = await askHandler(source.folder, source.handlerFile, options, language);
  const built = await defaultTarget(language);
  const target = await askTarget(options, built, language);
  const limits = await askLimits(options);
  const layers = await askLayers(live, target.runtime, options, built.layerName);
  const role = await askRole(services, live, options);
  const code = await zipFolder(source.folder, runtimeCodeLanguage(target.runtime));
  if (!options.confirmed)
    await confirmCodePreview(vscode.l10n.t('Create {0} ({1})', name, handler), vscode.l10n.t('Create {0}', name), code);
  const created = await withCancellableProgress(vscode.l10n.t('Creating {0}', name), (report, signal) =>
    createFunctionFromFolder(
      live.lambda,
      { name, folder: source.folder, handler, role, layers, ...target, ...limits },
      { code, signal, log: services.log, onProgress: (p) => report(phaseText(p)) },
    ),
  );
  await rememberDeployment(services, live, {
    folder: source.folder,
    functionName: name,
    codeSha256: created.configuration.CodeSha256 ?? code.codeSha256,
  });
  await refreshFunctions(services, [name]);
  await services.views.revealFunction(name);
  const invoke = vscode.l10n.t('Invoke');
  void Promise.resolve(
    vscode.window.showInformationMessage(
      vscode.l10n.t('Created {0} ({1}, handler {2}).', name, target.runtime, handler),
      invoke,
    ),
  ).then((answer) => answer === invoke && vscode.commands.executeCommand('lambdaLayers.invokeFunction', name));
  return {
    functionName: name,
    functionArn: created.configuration.FunctionArn,
    codeSha256: code.codeSha256,
    files: code.files.map((f) => f.path),
  };
}

/** One phase of a create or deploy, as the progress notification says it. */
export function phaseText(phase: DeployPhase): string {
  switch (phase) {
    case 'zipping':
      return vscode.l10n.t('zipping the folder');
    case 'uploading':
      return vscode.l10n.t('uploading the code');
    case 'waiting':
      return vscode.l10n.t('waiting for Lambda to make it ready');
  }
}
