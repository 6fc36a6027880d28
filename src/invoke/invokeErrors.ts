import * as l10n from '@vscode/l10n';
import { classifyAwsError, toUserError, type ErrorContext } from '../aws/errors';
import { MAX_SYNC_PAYLOAD_BYTES } from '../sandbox/limits';
import { CancelledError, UserError, errorMessage } from '../util/errors';
import { formatBytes } from '../util/format';

/**
 * Explains a failed Invoke call (not a function error: those come back as a result) in terms of
 * invoking: the generic AWS messages talk about layers and uploads, which would mislead here.
 */
export function invokeUserError(
  e: unknown,
  functionName: string,
  payloadBytes: number,
  context: ErrorContext = {},
): UserError | CancelledError {
  const detail = `${(e as Error)?.name ?? 'Error'}: ${errorMessage(e)}`;
  switch (classifyAwsError(e)) {
    case 'notFound':
      return new UserError(
        l10n.t(
          'Function "{0}" was not found in {1}. Check the name, region and connection.',
          functionName,
          context.connection?.region ?? '?',
        ),
        detail,
      );
    case 'tooLarge':
      return new UserError(
        l10n.t(
          'The payload ({0}) is larger than Lambda accepts for a synchronous invoke ({1}). Send a smaller event.',
          formatBytes(payloadBytes),
          formatBytes(MAX_SYNC_PAYLOAD_BYTES),
        ),
        detail,
      );
    case 'invalidRequest':
      if ((e as Error).name === 'InvalidRequestContentException') {
        return new UserError(l10n.t('Lambda could not read the payload as JSON: {0}', errorMessage(e)), detail);
      }
      return toUserError(e, context);
    case 'accessDenied':
    case 'cancelled':
    case 'conflict':
    case 'credentials':
    case 'expired':
    case 'network':
    case 'preconditionFailed':
    case 'service':
    case 'throttled':
    case 'unknown':
    case 'unsupported':
      return toUserError(e, context);
  }
}
