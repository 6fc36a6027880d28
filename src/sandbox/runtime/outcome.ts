import { MAX_RESPONSE_PAYLOAD_BYTES } from '../limits';
import type { ErrorMessage, ResultMessage, StartMessage } from './channel';
import type { LogBuffer } from './logBuffer';
import { endLine, reportLine, startLine, timeoutMessage } from './report';
import type { RunPythonOptions, RunPythonResult } from './runPython';

export interface SettleInput {
  o: RunPythonOptions;
  requestId: string;
  log: LogBuffer;
  mismatch?: string;
  pythonVersion: string;
  start?: StartMessage;
  outcome?: ResultMessage | ErrorMessage;
  /** Set when what came over fd 3 was not the protocol (the handler wrote to it, or the bootstrap was cut short). */
  protocolError?: string;
  timedOut: boolean;
  timedOutMemory?: number;
  elapsedMs: number;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
}

/** Turns what the child reported (or failed to report) into Lambda's response and log lines. */
export function settle(s: SettleInput): RunPythonResult {
  const { o, requestId, log, outcome } = s;
  if (!s.start) log.add(startLine(requestId));
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

  if (s.timedOut) {
    const message = timeoutMessage(o.timeoutSeconds);
    fail('Sandbox.Timedout', `RequestId: ${requestId} Error: ${message}`, `${new Date().toISOString()} ${requestId} ${message}\n`);
    status = 'timeout';
    errorType = undefined;
  } else if (s.protocolError) {
    const message = `Runtime exited with error: invalid message on the runtime's control channel (fd 3): ${s.protocolError}`;
    fail('Runtime.ExitError', `RequestId: ${requestId} Error: ${message}`, `RequestId: ${requestId} Error: ${message}\n`);
  } else if (!outcome) {
    const why = s.exitSignal ? `signal: ${s.exitSignal.replace('SIG', '').toLowerCase()}` : `exit status ${s.exitCode ?? 1}`;
    const message = s.exitCode === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: ${why}`;
    fail('Runtime.ExitError', `RequestId: ${requestId} Error: ${message}`, `RequestId: ${requestId} Error: ${message}\n`);
  } else if (outcome.type === 'error') {
    payload = outcome.payload;
    functionError = 'Unhandled';
    // REPORT names the failure only when the runtime itself failed (e.g. the module did not load), not for a handler's exception.
    const type = outcome.error.errorType;
    if (typeof type === 'string' && type.startsWith('Runtime.')) {
      errorType = type;
      status = 'error';
    }
  } else if (outcome.oversizeBytes !== undefined || outcome.payload.length > MAX_RESPONSE_PAYLOAD_BYTES) {
    fail('Function.ResponseSizeTooLarge', `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_PAYLOAD_BYTES} bytes).`);
  } else {
    payload = outcome.payload;
  }

  const durationMs = outcome?.durationMs ?? s.elapsedMs;
  log.add(endLine(requestId));
  log.add(
    reportLine({
      requestId,
      durationMs,
      memoryMb: o.memoryMb,
      maxMemoryMb: outcome?.maxMemoryMb ?? s.timedOutMemory,
      initDurationMs: s.start?.initMs,
      status,
      errorType,
      localPython: s.mismatch && `${s.pythonVersion} (function runtime ${o.runtime})`,
    }),
  );
  return {
    payload: payload!,
    ...(functionError && { functionError }),
    log: log.text(),
    durationMs,
    ...(s.start?.initMs !== undefined && { initDurationMs: s.start.initMs }),
    ...(s.mismatch && { pythonMismatch: s.mismatch }),
    requestId,
  };
}
