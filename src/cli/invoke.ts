import * as l10n from '@vscode/l10n';
import { invokeUserError } from '../invoke/invokeErrors';
import { toInvokeView } from '../invoke/result';
import { payloadFromText, readEventPayload } from '../invoke/testEvents';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { UserError, errorMessage } from '../util/errors';
import { parseCommandLine, usageError } from './args';

export const USAGE =
  'usage: invoke FUNCTION [--payload JSON|@file] [--log] [--endpoint URL] [--region R] [--profile P]';

/**
 * `invoke FUNCTION`: sends the payload (default `{}`, checked to be JSON first), writes the function's
 * response to stdout exactly as returned and, with --log, the log tail to stderr. Exit code 1 when the
 * function failed (X-Amz-Function-Error) or the call did, 2 on bad usage.
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    { ...CONNECTION_FLAGS, payload: { type: 'string' }, log: { type: 'boolean' } },
    USAGE,
  );
  if (!args) return 2;
  const [functionName, ...extra] = args.positionals;
  if (!functionName || extra.length > 0) return usageError(USAGE);
  let payload: Uint8Array;
  try {
    payload = await readPayload(args.values.payload ?? '{}');
  } catch (e) {
    process.stderr.write(`${l10n.t('error: {0}', errorMessage(e))}\n`);
    return 1;
  }

  let functionFailed = false;
  const code = await runHeadless(args.values, async ({ gateway, settings }, signal) => {
    const result = await gateway
      .invoke(functionName, payload, { tail: args.values.log, signal })
      .catch((e: unknown) =>
        Promise.reject(invokeUserError(e, functionName, payload.byteLength, { connection: settings, headless: true })),
      );
    const view = toInvokeView(result);
    process.stdout.write(result.payload);
    if (result.payload.byteLength > 0 && result.payload[result.payload.byteLength - 1] !== 0x0a)
      process.stdout.write('\n');
    if (args.values.log && view.log) process.stderr.write(view.log.endsWith('\n') ? view.log : `${view.log}\n`);
    if (view.functionError) {
      functionFailed = true;
      const { type, message } = view.functionError;
      process.stderr.write(`${l10n.t('error: the function failed: {0}', type ? `${type}: ${message}` : message)}\n`);
    }
  });
  return code === 0 && functionFailed ? 1 : code;
}

/** `--payload '{"a":1}'` or `--payload @event.json`. */
async function readPayload(value: string): Promise<Uint8Array> {
  if (!value.startsWith('@')) return payloadFromText(value, '--payload');
  const path = value.slice(1);
  return readEventPayload(path).catch((e: unknown) => {
    throw e instanceof UserError
      ? e
      : new UserError(l10n.t('Cannot read the payload file {0}: {1}', path, errorMessage(e)));
  });
}
