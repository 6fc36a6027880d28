import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import * as l10n from '@vscode/l10n';
import { classifyAwsError } from '../aws/errors';
import type { CreateFunctionInput, LambdaGateway } from '../aws/types';
import { CancelledError, UserError, isCancellation, throwIfAborted } from '../util/errors';
import { silentLog, type Log } from '../util/log';
import type { Language } from '../layer/runtimes';
import { buildCodeZip, type CodeZip } from './codeZip';
import { handlerModuleFiles, runtimeCodeLanguage, validateFunctionName } from './handlers';

/** A new IAM role takes a few seconds before Lambda may assume it; CreateFunction fails meanwhile. */
const ROLE_PROPAGATION_WAIT_MS = 40_000;
const ROLE_RETRY_MS = 3_000;

export const DEFAULT_MEMORY_MB = 128;
export const DEFAULT_TIMEOUT_SECONDS = 3;

export type DeployPhase = 'zipping' | 'uploading' | 'waiting';

export interface DeployOptions {
  signal?: AbortSignal;
  log?: Log;
  onProgress?: (phase: DeployPhase) => void;
  /** The zip already built (and shown to the user) from the folder; built here when absent. */
  code?: CodeZip;
  /** More folders of the code folder to leave out (see `buildCodeZip`). */
  excludePaths?: readonly string[];
}

export interface CreateFromFolderInput extends Omit<CreateFunctionInput, 'zip'> {
  /** The folder whose files become the function's code. */
  folder: string;
}

export interface CreatedFunction {
  configuration: FunctionConfiguration;
  code: CodeZip;
}

/**
 * Creates a function from a folder: zips it (see `buildCodeZip`), checks the handler's module is in it,
 * creates the function (waiting out a just-created role) and waits until it is Active.
 */
export async function createFunctionFromFolder(
  gateway: LambdaGateway,
  input: CreateFromFolderInput,
  options: DeployOptions = {},
): Promise<CreatedFunction> {
  const invalid = validateFunctionName(input.name);
  if (invalid) throw new UserError(invalid);
  const log = options.log ?? silentLog;
  options.onProgress?.('zipping');
  const language = runtimeCodeLanguage(input.runtime);
  const code =
    options.code ??
    (await buildCodeZip(input.folder, { excludePaths: options.excludePaths, language, signal: options.signal }));
  assertHandlerInCode(input.handler, language, code);
  const { folder, ...create } = input;
  log.info(
    `Creating function ${input.name} (${input.runtime}, ${input.handler}) from ${folder}: ${code.files.length} files`,
  );
  options.onProgress?.('uploading');
  try {
    await createWithRoleRetry(gateway, { ...create, zip: code.zip }, options.signal);
  } catch (e) {
    if (classifyAwsError(e) === 'conflict') {
      throw new UserError(
        l10n.t(
          'A function named {0} already exists. Choose another name, or use Deploy Code to update its code.',
          input.name,
        ),
      );
    }
    throw e;
  }
  options.onProgress?.('waiting');
  const configuration = await gateway.waitForFunctionUpdated(input.name, { signal: options.signal });
  return { configuration, code };
}

/** A handler whose module is not in the zip fails every invoke with Runtime.ImportModuleError: say so now. */
function assertHandlerInCode(handler: string, language: Language, code: CodeZip): void {
  const files = handlerModuleFiles(handler, language);
  if (!files)
    throw new UserError(
      language === 'python'
        ? l10n.t(
            '"{0}" is not a handler: write it as module.function, for example lambda_function.lambda_handler.',
            handler,
          )
        : l10n.t('"{0}" is not a handler: write it as file.function, for example index.handler.', handler),
    );
  if (!code.files.some((f) => files.includes(f.path))) {
    // Node.js: `dir/app` stands for app.js, app.mjs or app.cjs (or the extensionless file).
    const wanted = language === 'python' ? files[0] : `${files[0]}.js/.mjs/.cjs`;
    throw new UserError(
      l10n.t('The handler {0} needs {1} in the function code, and the folder has no such file.', handler, wanted),
    );
  }
}

/** CreateFunction, retried while Lambda cannot assume a role that was created moments ago. */
export async function createWithRoleRetry(
  gateway: LambdaGateway,
  input: CreateFunctionInput,
  signal?: AbortSignal,
): Promise<FunctionConfiguration> {
  const deadline = Date.now() + ROLE_PROPAGATION_WAIT_MS;
  for (;;) {
    throwIfAborted(signal);
    try {
      return await gateway.createFunction(input);
    } catch (e) {
      // Lambda reports the not-yet-assumable role only in the message; nothing else tells it apart.
      const roleNotReady =
        (e as Error).name === 'InvalidParameterValueException' && /cannot be assumed/i.test((e as Error).message);
      if (!roleNotReady || Date.now() > deadline) throw e;
      await sleep(ROLE_RETRY_MS, undefined, { signal }).catch((err: unknown) => {
        throw isCancellation(err) ? new CancelledError() : err;
      });
    }
  }
}
