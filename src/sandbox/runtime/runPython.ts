import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { CancelledError } from '../../util/errors';
import { writeFileAtomic } from '../../util/fsAtomic';
import { INIT_TIMEOUT_MS, MAX_RESPONSE_PAYLOAD_BYTES } from '../limits';
import { BOOTSTRAP_PY } from './bootstrap.py';
import { ChannelReader, type ChannelMessage } from './channel';
import { lambdaEnv } from './env';
import { killTree, peakMemoryMb } from './processTree';
import { pythonMismatch, resolvePython, runtimePythonVersion } from './python';
import { endLine, reportLine, startLine, timeoutMessage } from './report';

export interface RunPythonOptions {
  /** Plays /var/task. */
  codeDir: string;
  /** Plays /opt (layers already extracted into it, in order). */
  optDir: string;
  handler: string;
  /** e.g. python3.12 */
  runtime: string;
  event: Uint8Array;
  timeoutSeconds: number;
  memoryMb: number;
  functionName: string;
  env?: Record<string, string>;
  region?: string;
  signal?: AbortSignal;
  /** Defaults to a fresh UUID. */
  requestId?: string;
  /** Defaults to an ARN in account 123456789012. */
  functionArn?: string;
  /** The JSON of X-Amz-Client-Context (already base64-decoded). */
  clientContext?: string;
}

export interface RunPythonResult {
  /** The handler's JSON response, or the error document when functionError is set. */
  payload: Uint8Array;
  functionError?: 'Unhandled';
  /** The function's log: START, its output, END and REPORT lines. */
  log: string;
  durationMs: number;
  /** Measured import time of the handler module; every local invoke is a cold start. */
  initDurationMs?: number;
  /** Set when the local Python's minor version is not the runtime's. */
  pythonMismatch?: string;
  requestId: string;
}

const MAX_LOG_BYTES = 4 * 1024 * 1024;

/**
 * Runs one invocation of a Python handler the way the Lambda Python runtime does, in a fresh
 * `python3` child process (its own process group, killed as a whole on timeout or abort).
 */
export async function runPython(o: RunPythonOptions): Promise<RunPythonResult> {
  if (o.signal?.aborted) throw new CancelledError();
  const python = await resolvePython(o.runtime);
  const mismatch = pythonMismatch(o.runtime, python);
  const bootstrap = await bootstrapFile();
  const requestId = o.requestId ?? randomUUID();
  const region = o.region ?? 'us-east-1';
  const log = new LogBuffer();
  log.add(`INIT_START Runtime Version: local-python:${python.version}\n`);
  if (mismatch) log.add(`SANDBOX_WARNING: ${mismatch}\n`);

  const env = {
    ...lambdaEnv({ ...o, runtimeDir: dirname(bootstrap), region, userEnv: o.env }),
    _SANDBOX_REQUEST_ID: requestId,
    _SANDBOX_FUNCTION_ARN: o.functionArn ?? `arn:aws:lambda:${region}:123456789012:function:${o.functionName}`,
    _SANDBOX_TIMEOUT_MS: String(Math.round(o.timeoutSeconds * 1000)),
    _SANDBOX_CLIENT_CONTEXT: o.clientContext ?? '',
    _SANDBOX_OPT_DIR: o.optDir,
    _SANDBOX_RUNTIME_PYTHON: runtimePythonVersion(o.runtime) ?? python.minor,
  };
  const child = spawn(python.executable, ['-I', '-S', '-B', '-u', bootstrap], {
    cwd: o.codeDir,
    env,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const spawnedAt = performance.now();

  return new Promise<RunPythonResult>((resolve, reject) => {
    let start: ChannelMessage | undefined;
    let outcome: ChannelMessage | undefined;
    let invokeStartedAt: number | undefined;
    let timedOut = false;
    let timedOutMemory: number | undefined;
    let spawnError: Error | undefined;
    const timers: NodeJS.Timeout[] = [];

    const channel = new ChannelReader((m) => {
      if (m.type === 'start') {
        start = m;
        startInvokeClock();
      } else {
        outcome = m;
      }
    });
    const channelPipe = child.stdio[3] as Readable;
    channelPipe.on('data', (c: Buffer) => channel.push(c));
    channelPipe.on('error', () => undefined);
    child.stdout.on('data', (c: Buffer) => log.add(c));
    child.stderr.on('data', (c: Buffer) => log.add(c));
    child.stdin.on('error', () => undefined); // the handler may exit before reading its event
    child.stdin.end(Buffer.from(o.event));

    // Lambda gives init its own 10 s; the function timeout then runs from the end of init.
    function startInvokeClock(): void {
      if (invokeStartedAt !== undefined) return;
      invokeStartedAt = performance.now();
      timers.push(setTimeout(() => void onTimeout(), o.timeoutSeconds * 1000));
    }
    timers.push(setTimeout(startInvokeClock, INIT_TIMEOUT_MS));

    async function onTimeout(): Promise<void> {
      if (outcome) return;
      timedOut = true;
      timedOutMemory = await peakMemoryMb(child.pid);
      killTree(child.pid);
    }
    const onAbort = () => killTree(child.pid);
    o.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (e) => {
      spawnError = e;
      setImmediate(finish);
    });
    // The handler's leftover children are killed with the group, as Lambda freezes the sandbox after a response.
    child.on('exit', () => {
      killTree(child.pid);
      timers.push(setTimeout(() => finish(), 500));
    });
    child.on('close', () => finish());

    let finished = false;
    function finish(): void {
      if (finished) return;
      finished = true;
      timers.forEach(clearTimeout);
      o.signal?.removeEventListener('abort', onAbort);
      if (o.signal?.aborted) return reject(new CancelledError());
      if (spawnError) return reject(spawnError);
      resolve(
        settle({
          o,
          requestId,
          log,
          mismatch,
          pythonVersion: python.version,
          start,
          outcome: timedOut ? undefined : outcome,
          timedOut,
          timedOutMemory,
          elapsedMs: performance.now() - (invokeStartedAt ?? spawnedAt),
          exitCode: child.exitCode,
          exitSignal: child.signalCode,
        }),
      );
    }
  });
}

interface SettleInput {
  o: RunPythonOptions;
  requestId: string;
  log: LogBuffer;
  mismatch?: string;
  pythonVersion: string;
  start?: ChannelMessage;
  outcome?: ChannelMessage;
  timedOut: boolean;
  timedOutMemory?: number;
  elapsedMs: number;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
}

/** Turns what the child reported (or failed to report) into Lambda's response and log lines. */
function settle(s: SettleInput): RunPythonResult {
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
  } else if (!outcome) {
    const why = s.exitSignal ? `signal: ${s.exitSignal.replace('SIG', '').toLowerCase()}` : `exit status ${s.exitCode ?? 1}`;
    const message = s.exitCode === 0 ? 'Runtime exited without providing a reason' : `Runtime exited with error: ${why}`;
    fail('Runtime.ExitError', `RequestId: ${requestId} Error: ${message}`, `RequestId: ${requestId} Error: ${message}\n`);
  } else if (outcome.type === 'error') {
    payload = outcome.payload;
    functionError = 'Unhandled';
    // REPORT names the failure only when the runtime itself failed (e.g. the module did not load), not for a handler's exception.
    const type = (JSON.parse(outcome.payload.toString('utf8')) as { errorType?: string }).errorType;
    if (type?.startsWith('Runtime.')) {
      errorType = type;
      status = 'error';
    }
  } else if (outcome.payload.length > MAX_RESPONSE_PAYLOAD_BYTES) {
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

/** Keeps the log in memory up to a bound, dropping the oldest output first (the tail is what matters). */
class LogBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  add(data: string | Buffer): void {
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    this.chunks.push(b);
    this.size += b.length;
    while (this.size > MAX_LOG_BYTES && this.chunks.length > 1) {
      const first = this.chunks.shift()!;
      this.size -= first.length;
      this.dropped += first.length;
    }
  }

  text(): string {
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `[sandbox: ${this.dropped} earlier bytes of log dropped]\n${body}` : body;
  }
}

let bootstrapPath: Promise<string> | undefined;

/** Writes the bootstrap once per content version into the temp folder, under the name tracebacks are trimmed by. */
function bootstrapFile(): Promise<string> {
  bootstrapPath ??= (async () => {
    const digest = createHash('sha256').update(BOOTSTRAP_PY).digest('hex').slice(0, 12);
    const file = join(tmpdir(), `lambda-layers-sandbox-${process.getuid?.() ?? 'user'}`, digest, 'bootstrap.py');
    const current = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (current !== BOOTSTRAP_PY) await writeFileAtomic(file, BOOTSTRAP_PY);
    return file;
  })();
  return bootstrapPath;
}
