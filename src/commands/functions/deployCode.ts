import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CodeChangedError, deployCode as deployEngine, type DeployResult } from '../../deploy/deployCode';
import { runtimeCodeLanguage } from '../../deploy/handlers';
import type { CodeZip } from '../../deploy/codeZip';
import type { InvokeView } from '../../invoke/result';
import type { Services } from '../../services';
import { codeChange, stackCheckWarnings } from '../../stack/stackGuard';
import { CancelledError } from '../../util/errors';
import { formatBytes } from '../../util/format';
import type { Connection } from '../../vscode/connectionController';
import { withCancellableProgress } from '../cancellableProgress';
import { invokeFunction } from '../invoke/invokeFunction';
import { lastEventOptions, type EventOptions } from '../invoke/eventPicker';
import { confirmModal } from '../layers/confirm';
import { refreshFunctions } from '../layers/outcomes';
import { resolveTarget, targetOfNode } from '../resourceTarget';
import { checkStacks, logWarnings } from '../stack/checkStacks';
import { confirmCodePreview, zipFolder } from './codePreview';
import { phaseText } from './createFunction';
import { deploymentOfFolder, deploymentOfFunction, rememberDeployment } from './functionFolders';

/** Given by automation instead of asking. */
export interface DeployCodeOptions {
  /** The code folder (absolute); else the one remembered for the function, else asked. */
  folder?: string;
  /**
   * Skip the preview shown before the first deploy of a folder to a function, and the stack check's question (its
   * warnings are logged).
   */
  confirmed?: boolean;
  /** Replace code that someone else deployed since this folder's last deploy, without asking. */
  replace?: boolean;
}

export interface DeploySummary {
  functionName: string;
  kind: DeployResult['kind'];
  codeSha256: string;
}

/**
 * Deploys a workspace folder's code to a function: from the function's node (its remembered folder, or one
 * picked), from a file or folder in the Explorer or the editor title (its remembered function, or one picked),
 * or from the palette. The first deploy of a pair shows what goes in; later ones are one click.
 */
export async function deployCode(
  services: Services,
  arg?: unknown,
  options: DeployCodeOptions = {},
): Promise<DeploySummary> {
  const live = services.connection.require();
  const { functionName, folder, known } = await resolvePair(services, live, arg, options);
  const { Runtime, CodeSha256 } = await live.lambda.getFunctionConfiguration(functionName);
  const code = await zipFolder(folder, runtimeCodeLanguage(Runtime));
  if (!known && !options.confirmed) {
    await confirmCodePreview(
      vscode.l10n.t('Deploy {0} to {1}', path.basename(folder), functionName),
      vscode.l10n.t('Deploy to {0}', functionName),
      code,
    );
  }
  // Code the function already runs is not uploaded: nothing changes, nothing to check.
  if (code.codeSha256 !== CodeSha256) await checkBeforeDeploy(services, functionName, folder, code, options);
  const remembered = deploymentOfFolder(services, live, folder);
  let expected = options.replace || remembered?.functionName !== functionName ? undefined : remembered.codeSha256;
  for (;;) {
    try {
      const result = await withCancellableProgress(vscode.l10n.t('Deploying {0}', functionName), (report, signal) =>
        deployEngine(live.lambda, functionName, folder, {
          code,
          expectedCodeSha256: expected,
          signal,
          log: services.log,
          onProgress: (p) => report(phaseText(p)),
        }),
      );
      await rememberDeployment(services, live, {
        folder,
        functionName,
        codeSha256: result.configuration.CodeSha256 ?? code.codeSha256,
      });
      await refreshFunctions(services, [functionName]);
      const message =
        result.kind === 'unchanged'
          ? vscode.l10n.t('{0} already runs this code: unchanged, nothing uploaded.', functionName)
          : vscode.l10n.t(
              'Deployed {0} to {1} ({2} zipped).',
              path.basename(folder),
              functionName,
              formatBytes(code.zip.length),
            );
      void vscode.window.setStatusBarMessage(`$(check) ${message}`, 8000);
      services.log.info(message);
      return { functionName, kind: result.kind, codeSha256: code.codeSha256 };
    } catch (e) {
      if (!(e instanceof CodeChangedError) || options.replace) throw e;
      // Someone else's code is there now: replacing it is the user's decision, asked with what happened.
      await confirmModal(
        e.message,
        vscode.l10n.t('Replace it with the code of {0}?', folder),
        vscode.l10n.t('Replace'),
      );
      expected = undefined;
    }
  }
}

/** Deploys, then invokes the function with the event its last invoke used (or `{}`), showing the result page. */
export async function deployAndInvoke(
  services: Services,
  arg?: unknown,
  options: DeployCodeOptions & { event?: EventOptions } = {},
): Promise<{ deploy: DeploySummary; invoke: InvokeView }> {
  const deploy = await deployCode(services, arg, options);
  const invoke = await invokeFunction(
    services,
    deploy.functionName,
    options.event ?? lastEventOptions(services, deploy.functionName),
  );
  return { deploy, invoke };
}

/**
 * The shared stack check (src/stack/stackGuard.ts) of the function with this code and its layers: near or past
 * Lambda's unzipped size limit, or with ES module imports of packages only a layer provides, the user decides.
 */
async function checkBeforeDeploy(
  services: Services,
  functionName: string,
  folder: string,
  code: CodeZip,
  options: DeployCodeOptions,
): Promise<void> {
  const checks = await checkStacks(services, [codeChange(functionName, code)]);
  if (options.confirmed) return logWarnings(services, checks);
  const warnings = stackCheckWarnings(checks[0]);
  if (warnings.length === 0) return;
  await confirmModal(
    vscode.l10n.t('Deploy {0} to {1}?', path.basename(folder), functionName),
    warnings.join('\n\n'),
    vscode.l10n.t('Deploy'),
  );
}

/** The function and folder of this deploy; `known` when they were deployed together before. */
async function resolvePair(
  services: Services,
  live: Connection,
  arg: unknown,
  options: DeployCodeOptions,
): Promise<{ functionName: string; folder: string; known: boolean }> {
  const node = targetOfNode(arg, services);
  const named = typeof arg === 'string' ? arg : node?.kind === 'function' ? node.name : undefined;
  const pickFunction = async () =>
    (await resolveTarget(services, undefined, vscode.l10n.t('Deploy Code'), ['function'])).name;
  const folder = options.folder ?? (arg instanceof vscode.Uri ? await folderOf(arg) : undefined);
  if (folder) {
    const remembered = deploymentOfFolder(services, live, folder);
    const functionName = named ?? remembered?.functionName ?? (await pickFunction());
    return { functionName, folder, known: remembered?.functionName === functionName };
  }
  const functionName = named ?? (await pickFunction());
  const remembered = deploymentOfFunction(services, live, functionName);
  if (remembered) return { functionName, folder: remembered.folder, known: true };
  return { functionName, folder: await pickFolder(functionName), known: false };
}

async function folderOf(uri: vscode.Uri): Promise<string> {
  return (await fs.stat(uri.fsPath)).isDirectory() ? uri.fsPath : path.dirname(uri.fsPath);
}

async function pickFolder(functionName: string): Promise<string> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  const [picked] =
    (await vscode.window.showOpenDialog({
      title: vscode.l10n.t('Deploy Code: the folder with the code of {0}', functionName),
      canSelectFiles: false,
      canSelectFolders: true,
      defaultUri: root,
      openLabel: vscode.l10n.t('Deploy This Folder'),
    })) ?? [];
  if (!picked) throw new CancelledError();
  return picked.fsPath;
}
