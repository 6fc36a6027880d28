import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../services';
import { UserError } from '../../util/errors';
import { createFunction, type CreatedFunctionSummary } from './createFunction';
import { defaultTarget, type CreateFunctionOptions } from './createInputs';

/** The function of AWS's layer tutorial: it imports Flask from the layer and returns its version. */
export const TUTORIAL_FUNCTION = 'testFlaskLayer';
const HANDLER_FILE = 'lambda_function.py';
const SAMPLE_HANDLER = `import flask


def lambda_handler(event, context):
    return {"flask_version": flask.__version__}
`;

/**
 * Writes the tutorial's handler to `testFlaskLayer/lambda_function.py` in the workspace (an existing file is
 * kept as it is), opens it, and creates `testFlaskLayer` from it with the runtime of the layer built last,
 * offering that layer to attach. `options` as for Create Function (e.g. `{ layers: [...] }` to skip the pick).
 */
export async function createTutorialFunction(
  services: Services,
  options: CreateFunctionOptions = {},
): Promise<CreatedFunctionSummary> {
  services.connection.require();
  const root = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  if (!root)
    throw new UserError(vscode.l10n.t("Open a folder first: the tutorial function's code is written into it."));
  const folder = path.join(root, TUTORIAL_FUNCTION);
  const file = path.join(folder, HANDLER_FILE);
  await fs.mkdir(folder, { recursive: true });
  await fs.writeFile(file, SAMPLE_HANDLER, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
    services.log.info(`${file} exists; creating ${TUTORIAL_FUNCTION} from it as it is`);
  });
  await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
  const target = await defaultTarget();
  return createFunction(services, undefined, {
    folder,
    handlerFile: file,
    name: TUTORIAL_FUNCTION,
    handler: 'lambda_function.lambda_handler',
    runtime: target.runtime,
    architecture: target.architecture,
    memorySize: 128,
    timeout: 3,
    confirmed: true,
    ...options,
  });
}
