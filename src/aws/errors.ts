import * as l10n from '@vscode/l10n';
import { CancelledError, UserError, errorMessage, isCancellation } from '../util/errors';
import type { ConnectionSettings } from './connection';
import type { ProfileKind } from './profiles';

export type AwsErrorKind =
  | 'cancelled'
  | 'credentials'
  | 'expired'
  | 'accessDenied'
  | 'notFound'
  | 'throttled'
  | 'conflict'
  | 'preconditionFailed'
  | 'invalidRequest'
  | 'tooLarge'
  | 'unsupported'
  | 'network'
  | 'service'
  | 'unknown';

/** Thrown when the endpoint (e.g. moto) does not implement an operation. */
export class UnsupportedOperationError extends Error {
  constructor(
    readonly operation: string,
    readonly endpoint?: string,
  ) {
    super(`${operation} is not supported by ${endpoint ?? 'this endpoint'}`);
    this.name = 'UnsupportedOperationError';
  }
}

// Error names (the SDK sets `name` to the service's error code) grouped by what the user must do.
const EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'TokenRefreshRequired', 'RequestExpired']);
const CREDENTIALS = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'InvalidAccessKeyId',
  'InvalidToken',
  'AuthFailure',
  'UnauthorizedException', // SSO GetRoleCredentials with a stale token
  'InvalidGrantException', // SSO OIDC refresh refused
]);
// Errors only the SSO credential path throws: the bearer-token provider, the SSO portal, the OIDC refresh.
const SSO_SESSION = new Set(['TokenProviderError', 'UnauthorizedException', 'InvalidGrantException']);
const ACCESS_DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'AuthorizationError',
  'UnauthorizedOperation',
  'Forbidden',
]);
const NOT_FOUND = new Set([
  'ResourceNotFoundException',
  'NoSuchEntity',
  'NoSuchEntityException',
  'NoSuchBucket',
  'NoSuchKey',
  'NotFound',
]);
const THROTTLED = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
  'EC2ThrottledException',
]);
const CONFLICT = new Set([
  'ResourceConflictException',
  'ResourceInUseException',
  'ConflictException',
  'OperationAbortedException',
]);
const PRECONDITION = new Set(['PreconditionFailedException', 'PreconditionFailed']);
const INVALID = new Set([
  'InvalidParameterValueException',
  'ValidationException',
  'ValidationError',
  'InvalidRequestContentException',
  'CodeStorageExceededException',
  'MalformedPolicyDocument',
]);
const TOO_LARGE = new Set(['RequestEntityTooLargeException', 'RequestTooLargeException', 'EntityTooLarge']);
const SERVICE = new Set([
  'ServiceException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalError',
]);
// Node system error codes (e.code) and the SDK's own timeout error name.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
]);
const NETWORK_NAMES = new Set(['TimeoutError', 'NetworkingError']);

interface ErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/** Sorts an error from the SDK, the credential chain or the socket layer by name, code and HTTP status — never by message text. */
export function classifyAwsError(e: unknown): AwsErrorKind {
  if (isCancellation(e)) return 'cancelled';
  if (typeof e !== 'object' || e === null) return 'unknown';
  const { name = '', code = '', $metadata, $retryable } = e as ErrorShape;
  if (name === 'UnsupportedOperationError') return 'unsupported';
  if (EXPIRED.has(name)) return 'expired';
  if (CREDENTIALS.has(name)) return 'credentials';
  if (ACCESS_DENIED.has(name)) return 'accessDenied';
  if (NOT_FOUND.has(name)) return 'notFound';
  if (THROTTLED.has(name) || $retryable?.throttling) return 'throttled';
  if (PRECONDITION.has(name)) return 'preconditionFailed';
  if (CONFLICT.has(name)) return 'conflict';
  if (TOO_LARGE.has(name)) return 'tooLarge';
  if (INVALID.has(name)) return 'invalidRequest';
  if (SERVICE.has(name)) return 'service';
  if (NETWORK_CODES.has(code) || NETWORK_NAMES.has(name)) return 'network';
  const status = $metadata?.httpStatusCode;
  if (status === 401) return 'credentials';
  if (status === 403) return 'accessDenied';
  if (status === 404) return 'notFound';
  if (status === 409) return 'conflict';
  if (status === 412) return 'preconditionFailed';
  if (status === 413) return 'tooLarge';
  if (status === 429) return 'throttled';
  if (status !== undefined && status >= 500) return 'service';
  if (status !== undefined && status >= 400) return 'invalidRequest';
  return 'unknown';
}

/**
 * An SSO session that expired or was never started (`aws sso login` fixes it). The credential chain wraps
 * every SSO failure in a plain CredentialsProviderError whose only mark is its text ("The SSO session
 * associated with this profile has expired…", or the token provider's "The SSO session token … was not
 * found…"), so for that one name the text is checked; everything else goes by name.
 */
export function isSsoSessionError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { name = '' } = e as ErrorShape;
  return SSO_SESSION.has(name) || (name === 'CredentialsProviderError' && /\bSSO\b/.test(errorMessage(e)));
}

export interface ErrorContext {
  connection?: ConnectionSettings;
  /** Lets credential messages name the right fix (`aws sso login` for SSO profiles). */
  profileKind?: ProfileKind;
  /** From the command line: no explorer to refresh, so messages say what to check instead. */
  headless?: boolean;
}

/**
 * Turns any failure of an AWS call into an error for the user: a `UserError` whose message says what
 * to do (the original message goes to `detail` for the log), or a `CancelledError` for cancellations.
 * A `UserError` passes through unchanged.
 */
export function toUserError(e: unknown, context: ErrorContext = {}): UserError | CancelledError {
  if (e instanceof UserError || e instanceof CancelledError) return e;
  const kind = classifyAwsError(e);
  if (kind === 'cancelled') return new CancelledError();
  const original = errorMessage(e);
  return new UserError(userMessage(kind, e, context), `${(e as ErrorShape)?.name ?? 'Error'}: ${original}`);
}

function userMessage(kind: Exclude<AwsErrorKind, 'cancelled'>, e: unknown, ctx: ErrorContext): string {
  const original = errorMessage(e);
  const profile = ctx.connection?.profile;
  const endpoint = ctx.connection?.endpoint;
  switch (kind) {
    case 'credentials':
    case 'expired':
      if (ctx.profileKind === 'sso' || isSsoSessionError(e)) {
        return profile
          ? l10n.t(
              'The AWS SSO session of profile "{0}" has expired or was never started. Run "aws sso login --profile {0}" in a terminal, then try again.',
              profile,
            )
          : l10n.t(
              'The AWS SSO session has expired or was never started. Run "aws sso login" in a terminal, then try again.',
            );
      }
      if (kind === 'expired') {
        return l10n.t(
          'Your AWS credentials have expired. Refresh them (for example "aws sso login" or a new session token) and try again.',
        );
      }
      // A local endpoint (sandbox) refuses keys other than its own; AWS's advice (aws configure) would mislead.
      if (kind === 'credentials' && ctx.connection?.kind === 'local' && endpoint) {
        return l10n.t(
          'The local endpoint at {0} did not accept the signature of the request. Sign with the secret access key it was started with (the command line reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).',
          endpoint,
        );
      }
      if (profile) {
        return l10n.t(
          'AWS did not accept the credentials of profile "{0}". Check its keys with "aws configure --profile {0}" or choose another profile.',
          profile,
        );
      }
      return l10n.t(
        'No valid AWS credentials were found. Set up a profile with "aws configure" or "aws configure sso", or switch to the local endpoint.',
      );
    case 'accessDenied':
      return l10n.t(
        'AWS denied access: {0} Choose a profile with the needed Lambda permissions or ask your administrator to grant them.',
        original,
      );
    case 'notFound':
      return ctx.headless
        ? l10n.t('Not found: {0} Check the name, the region and the connection.', original)
        : l10n.t('Not found: {0} It may have been deleted meanwhile; refresh the explorer.', original);
    case 'throttled':
      return l10n.t('AWS is throttling requests to this account. Wait a minute and try again.');
    case 'conflict':
      return l10n.t('The function is busy with another update. Wait until that update finishes and try again.');
    case 'preconditionFailed':
      return l10n.t('The function was changed by someone else since it was loaded. Refresh it and try again.');
    case 'invalidRequest':
      return l10n.t('Lambda rejected the request: {0}', original);
    case 'tooLarge':
      return l10n.t(
        'The request is too large for Lambda (at most 50 MB zipped when uploaded directly). Make the layer smaller or upload it through S3.',
      );
    case 'unsupported': {
      const { operation, endpoint: where } = e as UnsupportedOperationError;
      return l10n.t(
        '{0} is not supported by {1}. Use AWS or the built-in local endpoint for this action.',
        operation,
        where ?? endpoint ?? 'this endpoint',
      );
    }
    case 'network':
      if (ctx.connection?.kind === 'local' && endpoint) {
        return l10n.t(
          'Could not reach the local endpoint at {0}. Start it (or check its port) and try again.',
          endpoint,
        );
      }
      return l10n.t(
        'Could not reach {0}. Check your network connection and proxy settings, then try again.',
        endpoint ?? 'AWS',
      );
    case 'service':
      return l10n.t('AWS Lambda reported an internal error ({0}). Try again in a few minutes.', original);
    case 'unknown':
      return l10n.t('The AWS call failed: {0}', original);
  }
}
