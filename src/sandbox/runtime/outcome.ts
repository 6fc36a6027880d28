import { MAX_RESPONSE_PAYLOAD_BYTES } from '../limits';
import type { ErrorMessage, ResultMessage } from './channel';
import type { EnvironmentSpec, InvocationResult } from './environment';
import type { LogBuffer } from './logBuffer';
import { endLine, reportLine, startLine, timeoutMessage } from './report';

/** Why an invocation ended without the handler's outcome. */
export type FailureCause = 'timeout' | 'protocol' | 'exit';

export interface SettleInput {
  spec: Pick<EnvironmentSpec, 'timeoutSeconds' | 'memoryMb' | 'runtime' | 'version'>;
  requestId: string;
  log: LogBuffer;
  mismatch?: string;
  /** The local interpreter, e.g. `Python: 3.11.7` or `Node.js: 20.20.2`, for REPORT's field when `mismatch` is set. */
  local: string;
  /** Whether the START line is already in the log (it is written once init's output is in). */
  startLogged: boolean;
  /** Set on the environment's first invocation: its REPORT carries Init Duration. */
  initMs?: number;
  outcome?: ResultMessage | ErrorMessage;
  /** Set when the environment died during the invocation instead of answering. */
  failure?: FailureCause | 'outOfMemory';
  /** What was wrong on the control channel (the handler wrote to it, or the bootstrap was cut short). */
  protocolError?: string;
  timedOutMemory?: number;
  elapsedMs: number;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
}

/** Turns what the child reported (or failed to report) into Lambda's response and log lines. */
export function settle(s: SettleInput): InvocationResult {
  const { spec, requestId, log, outcome } = s;
  if (!s.startLogged) log.add(startLine(requestId, spec.version));
  let payload: Uint8Array;
  let functionError: 'Unhandled' | undefined;
  let errorType: string | undefined;
  let status: 'timeout' | 'error' | undefined;
  const fail = (type: string, message: string, logLine?: string) => {
    payload = Buffer.from(JSON.stringify({ errorType: type, errorMessage: message }));
    functionError = 'Unhandled';
    errorType = type;
    status = 'error';
    if (logLine) log.add(logLine);
  };

  if (s.failure === 'timeout') {
    const message = timeoutMessage(spec.timeoutSeconds);
    fail(
      'Sandbox.Timedout',
      `RequestId: ${requestId} Error: ${message}`,
      `${new Date().toISOString()} ${requestId} ${message}\n`,
    );
    status = 'timeout';
    errorType = undefined;
  } else if (s.failure === 'outOfMemory') {
    // As on Lambda: the kernel's kill, named for what caused it.
    const message = 'Runtime exited with error: signal: killed';
    fail(
      'Runtime.OutOfMemory',
      `RequestId: ${requestId} Error: ${message}`,
      `RequestId: ${requestId} Error: ${message}\n`,
    );
  } else if (s.failure === 'protocol') {
    const message = `Runtime exited with error: invalid message on the runtime's control channel: ${s.protocolError ?? 'unknown'}`;
    fail(
      'Runtime.ExitError',
      `RequestId: ${requestId} Error: ${message}`,
      `RequestId: ${requestId} Error: ${message}\n`,
    );
  } else if (s.failure === 'exit' || !outcome) {
    const why = s.exitSignal
      ? `signal: ${s.exitSignal.replace('SIG', '').toLowerCase()}`
      : `exit status ${s.exitCode ?? 1}`;
    const message =
      s.exitCode === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: ${why}`;
    fail(
      'Runtime.ExitError',
      `RequestId: ${requestId} Error: ${message}`,
      `RequestId: ${requestId} Error: ${message}\n`,
    );
  } else if (outcome.oversizeBytes !== undefined || outcome.payload.length > MAX_RESPONSE_PAYLOAD_BYTES) {
    // An error document counts against the same limit as a result.
    fail(
      'Function.ResponseSizeTooLarge',
      `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_PAYLOAD_BYTES} bytes).`,
    );
  } else if (outcome.type === 'error') {
    payload = outcome.payload;
    functionError = 'Unhandled';
    // REPORT names the failure only when the runtime itself failed (e.g. the module did not load), not for a handler's exception.
    const type = outcome.error.errorType;
    if (typeof type === 'string' && type.startsWith('Runtime.')) {
      errorType = type;
      status = 'error';
    }
  } else {
    payload = outcome.payload;
  }

  const durationMs = outcome?.durationMs ?? s.elapsedMs;
  log.add(endLine(requestId));
  log.add(
    reportLine({
      requestId,
      durationMs,
      memoryMb: spec.memoryMb,
      maxMemoryMb: s.failure === 'outOfMemory' ? spec.memoryMb : (outcome?.maxMemoryMb ?? s.timedOutMemory),
      initDurationMs: s.initMs,
      status,
      errorType,
      local: s.mismatch && `${s.local} (function runtime ${spec.runtime})`,
    }),
  );
  return {
    payload: payload!,
    ...(functionError && { functionError }),
    log: log.text(),
    durationMs,
    ...(s.initMs !== undefined && { initDurationMs: s.initMs }),
    ...(s.mismatch && { runtimeMismatch: s.mismatch }),
    requestId,
  };
}
