import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import * as l10n from '@vscode/l10n';
import { classifyAwsError } from '../aws/errors';
import type { LambdaGateway } from '../aws/types';
import { UserError, errorMessage, throwIfAborted } from '../util/errors';
import { silentLog } from '../util/log';
import { buildCodeZip, type CodeZip } from './codeZip';
import type { DeployOptions } from './createFunction';
import { runtimeCodeLanguage } from './handlers';

export interface DeployCodeOptions extends DeployOptions {
  /**
   * The CodeSha256 the function had when this folder last deployed to it. When its code is something else now,
   * someone deployed other code meanwhile and nothing is uploaded (`CodeChangedError`). Undefined: replace any code.
   */
  expectedCodeSha256?: string;
}

export type DeployResult =
  | { kind: 'unchanged'; configuration: FunctionConfiguration; code: CodeZip }
  | { kind: 'deployed'; configuration: FunctionConfiguration; code: CodeZip; previousCodeSha256?: string };

/** The function's code is not the one we expected: deploying would overwrite someone else's work. */
export class CodeChangedError extends UserError {
  constructor(
    message: string,
    readonly functionName: string,
    readonly currentCodeSha256: string | undefined,
  ) {
    super(message);
  }
}

/** Rounds lost to other writers (a configuration change, an update in progress) before giving up. */
const MAX_ATTEMPTS = 5;

/**
 * Replaces a function's code with a folder's, guarded by RevisionId, and waits until LastUpdateStatus is
 * Successful. Code identical to the function's (same CodeSha256) is not uploaded. When the function changes
 * between our read and our write (412, or 409 for an update in progress) it is read again: a change of its
 * configuration only (layers, memory) is safe to deploy over, new code from someone else is not — that stops
 * with a `CodeChangedError` and the other code stays.
 */
export async function deployCode(
  gateway: LambdaGateway,
  name: string,
  folder: string,
  options: DeployCodeOptions = {},
): Promise<DeployResult> {
  const log = options.log ?? silentLog;
  options.onProgress?.('zipping');
  const code = options.code ?? (await zipForFunction(gateway, name, folder, options));
  let seen = options.expectedCodeSha256;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    throwIfAborted(options.signal);
    const config = await settledConfiguration(gateway, name, options.signal);
    if (config.CodeSha256 === code.codeSha256) return { kind: 'unchanged', configuration: config, code };
    if (seen !== undefined && config.CodeSha256 !== seen) {
      throw new CodeChangedError(
        attempt === 1
          ? l10n.t(
              'The code of {0} was changed by someone else since you last deployed it from this folder. Nothing was uploaded.',
              name,
            )
          : l10n.t(
              '{0} received other code while this deploy was running. Nothing was overwritten: look at the change, then deploy again.',
              name,
            ),
        name,
        config.CodeSha256,
      );
    }
    seen = config.CodeSha256;
    options.onProgress?.('uploading');
    try {
      await gateway.updateFunctionCode(name, code.zip, config.RevisionId);
    } catch (e) {
      const kind = classifyAwsError(e);
      if (kind !== 'preconditionFailed' && kind !== 'conflict') throw e;
      log.info(`${name}: changed while deploying (${errorMessage(e)}); reading it again (${attempt}/${MAX_ATTEMPTS})`);
      continue;
    }
    options.onProgress?.('waiting');
    const configuration = await gateway.waitForFunctionUpdated(name, { signal: options.signal });
    return { kind: 'deployed', configuration, code, previousCodeSha256: seen };
  }
  throw new UserError(l10n.t('{0} kept changing while deploying its code. Try again.', name));
}

/** The folder's code zip for the function: its runtime decides what goes in (a Node.js function's node_modules). */
export async function zipForFunction(
  gateway: LambdaGateway,
  name: string,
  folder: string,
  options: Pick<DeployOptions, 'excludePaths' | 'signal'> = {},
): Promise<CodeZip> {
  return buildCodeZip(folder, {
    excludePaths: options.excludePaths,
    language: runtimeCodeLanguage((await gateway.getFunctionConfiguration(name)).Runtime),
    signal: options.signal,
  });
}

/** The configuration once no update is running (an update in progress makes ours fail with 409). */
async function settledConfiguration(
  gateway: LambdaGateway,
  name: string,
  signal?: AbortSignal,
): Promise<FunctionConfiguration> {
  const config = await gateway.getFunctionConfiguration(name);
  if (config.State !== 'Pending' && config.LastUpdateStatus !== 'InProgress') return config;
  return gateway.waitForFunctionUpdated(name, { signal });
}
