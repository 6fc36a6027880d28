import type { ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';

/** An error answered the way Lambda answers it: status, `x-amzn-ErrorType` header and JSON body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extraHeaders: Record<string, string> = {},
    /** Members the error's shape adds to the body, e.g. TooManyRequestsException's `Reason`. */
    readonly extraBody: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export const notFound = (message: string) => new ApiError(404, 'ResourceNotFoundException', message);
export const invalidParameter = (message: string) => new ApiError(400, 'InvalidParameterValueException', message);
export const conflict = (message: string) => new ApiError(409, 'ResourceConflictException', message);
export const functionPending = () =>
  conflict('The operation cannot be performed at this time. The function is currently in the following state: Pending');
export const preconditionFailed = () =>
  new ApiError(
    412,
    'PreconditionFailedException',
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
  );
/**
 * A request past its size limit. Invoke's is the modelled RequestTooLargeException; uploads get the front end's
 * RequestEntityTooLargeException, as AWS answers an oversized zip (the model lists neither for them).
 */
export function tooLarge(limit: number, operation: string): ApiError {
  const code = operation === 'InvokeFunction' ? 'RequestTooLargeException' : 'RequestEntityTooLargeException';
  return new ApiError(413, code, `Request must be smaller than ${limit} bytes for the ${operation} operation`);
}

/** Coral's unmodelled input validation error, e.g. a name that does not match its pattern. */
export function validationError(problems: string[]): ApiError {
  const n = problems.length;
  return new ApiError(
    400,
    'ValidationException',
    `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
  );
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Length': 0, ...headers });
  res.end();
}

/**
 * The body of an error spells its message field as the error's shape in the service model does: `message` for
 * these, `Message` for every other modelled error. Unmodelled errors as AWS sends them: Coral's ValidationException
 * and the front end's (signature, unknown path, request size) `{message}`; IAM's AccessDeniedException `{Message}`;
 * a download URL's refusal (S3's AccessDenied) `{message}`.
 */
const LOWERCASE_MESSAGE = new Set([
  'CodeStorageExceededException',
  'InvalidParameterValueException',
  'InvalidRequestContentException',
  'PolicyLengthExceededException',
  'PreconditionFailedException',
  'RequestTooLargeException',
  'ResourceConflictException',
  'ResourceNotReadyException',
  'TooManyRequestsException',
  'UnsupportedMediaTypeException',
  'ValidationException',
  'RequestEntityTooLargeException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnknownOperationException',
  'AccessDenied',
]);
/** Unmodelled errors carry no `Type`. */
const UNMODELLED = new Set([
  'ValidationException',
  'RequestEntityTooLargeException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnknownOperationException',
  'AccessDeniedException',
  'AccessDenied',
]);

/** The JSON body of an error: `Type` (Service for a 500 the service caused, else User) and its message field. */
export function errorBody(error: ApiError): Record<string, string> {
  const message = { [LOWERCASE_MESSAGE.has(error.code) ? 'message' : 'Message']: error.message };
  return UNMODELLED.has(error.code) ? message : { Type: error.status === 500 ? 'Service' : 'User', ...message };
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(
    res,
    error.status,
    { ...errorBody(error), ...error.extraBody },
    { 'x-amzn-ErrorType': error.code, ...error.extraHeaders },
  );
}

/** Lambda's timestamp format: `2018-11-14T23:03:52.894+0000`. */
export function awsDate(date: Date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** CodeSha256 as Lambda reports it (base64 of the SHA-256), from the hex digest the blob store names files by. */
export const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
