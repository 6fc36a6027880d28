// Numbers Lambda enforces, in one place so routes and tests agree.

export const ACCOUNT_ID = '123456789012';
export const DEFAULT_REGION = 'us-east-1';
/** What a region name looks like: taken from a credential scope, and a folder name under the data dir. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** PublishLayerVersion / CreateFunction / UpdateFunctionCode take a zip of at most 50 MiB directly... */
export const MAX_ZIP_UPLOAD_BYTES = 50 * 1024 * 1024;
/** ...and past it answer 413 naming this request size (the zip in base64). */
export const MAX_UPLOAD_REQUEST_BYTES = 69_905_067;
/** The body of an upload request: the largest zip's base64 plus room for the other fields (environment, tags, layers). */
export const UPLOAD_BODY_LIMIT = { bytes: MAX_UPLOAD_REQUEST_BYTES + 1024 * 1024, named: MAX_UPLOAD_REQUEST_BYTES };
/** Other control-plane requests carry small JSON bodies. */
export const MAX_CONTROL_REQUEST_BYTES = 6 * 1024 * 1024;
/** Invoke payloads: synchronous 6 MB, asynchronous (Event) 256 KB. */
export const MAX_SYNC_PAYLOAD_BYTES = 6_291_456;
export const MAX_ASYNC_PAYLOAD_BYTES = 262_144;
/** A handler's response above this becomes Function.ResponseSizeTooLarge. */
export const MAX_RESPONSE_PAYLOAD_BYTES = 6_291_556;
/** Function code plus all layers, unzipped. */
export const MAX_UNZIPPED_BYTES = 262_144_000;

export const MAX_LAYERS_PER_FUNCTION = 5;
export const MAX_FUNCTION_PAGE = 50;
export const MAX_LAYER_PAGE = 50;
export const MAX_DESCRIPTION = 256;
export const MAX_LICENSE_INFO = 512;
export const MAX_COMPATIBLE_RUNTIMES = 15;
export const MAX_TIMEOUT_SECONDS = 900;
export const MAX_MEMORY_MB = 10_240;
export const MIN_MEMORY_MB = 128;
/** Lambda gives a function's init phase this long before it is retried inside the invoke. */
export const INIT_TIMEOUT_MS = 10_000;
/** LogType Tail returns the last 4 KB of the log. */
export const LOG_TAIL_BYTES = 4096;
