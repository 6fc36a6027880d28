import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CancelledError, errorMessage } from '../../util/errors';
import { spawnDetached } from '../../util/processTree';
import { writeFileAtomic } from '../../util/fsAtomic';
import { functionArn } from '../arn';
import { DEFAULT_REGION, INIT_TIMEOUT_MS } from '../limits';
import { BOOTSTRAP_PY } from './bootstrap.py';
import { ChannelReader, type ErrorMessage, type ResultMessage, type StartMessage } from './channel';
import { lambdaEnv } from './env';
import { LogBuffer } from './logBuffer';
import { settle } from './outcome';
import { peakMemoryMb } from './processTree';
import { hostIsolation, type Isolation } from './isolation';
import { interpreterExit, prepareLaunch } from './launch';
import { pythonMismatch, resolvePython, runtimePythonVersion } from './python';

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
  /** The JSON of X-Amz-Client-Context (already base64-decoded). */
  clientContext?: string;
  /** Defaults to what this machine offers (hostIsolation); tests force the weaker mechanisms with it. */
  isolation?: Isolation;
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

/**
 * Runs one invocation of a Python handler the way the Lambda Python runtime does, in a fresh `python3`
 * child process, isolated as far as this machine allows (isolation.ts); everything it started is killed
 * when it ends, times out or is aborted.
 */
export async function runPython(o: RunPythonOptions): Promise<RunPythonResult> {
  if (o.signal?.aborted) throw new CancelledError();
  const python = await resolvePython(o.runtime);
  const mismatch = pythonMismatch(o.runtime, python);
  const bootstrap = await bootstrapFile();
  const requestId = o.requestId ?? randomUUID();
  const region = o.region ?? DEFAULT_REGION;
  const log = new LogBuffer();
  log.add(`INIT_START Runtime Version: local-python:${python.version}\n`);
  if (mismatch) log.add(`SANDBOX_WARNING: ${mismatch}\n`);

  const isolation = o.isolation ?? (await hostIsolation());
  const launch = await prepareLaunch({ isolation, python, bootstrapFile: bootstrap, codeDir: o.codeDir, optDir: o.optDir });
  const env = { ...lambdaEnv({ ...o, paths: launch.paths, region, userEnv: o.env }), ...launch.env };
  // Parameters go over stdin ahead of the event: the environment is the handler's to read and log.
  const params = {
    requestId,
    functionArn: functionArn(region, o.functionName),
    timeoutMs: Math.round(o.timeoutSeconds * 1000),
    clientContext: o.clientContext ?? '',
    optDir: launch.paths.opt,
    runtimePython: runtimePythonVersion(o.runtime) ?? python.minor,
  };
  const child = spawn(launch.command, launch.args, {
    cwd: launch.cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    detached: spawnDetached(),
    windowsHide: true,
  });
  const spawnedAt = performance.now();

  return new Promise<RunPythonResult>((resolve, reject) => {
    let start: StartMessage | undefined;
    let outcome: ResultMessage | ErrorMessage | undefined;
    let protocolError: string | undefined;
    let invokeStartedAt: number | undefined;
    let timedOut = false;
    let timedOutMemory: number | undefined;
    let spawnError: Error | undefined;
    const timers: NodeJS.Timeout[] = [];

    const channel = new ChannelReader({
      onMessage(m) {
        if (m.type === 'start') {
          start = m;
          startInvokeClock();
        } else {
          outcome = m;
        }
      },
      // Whatever is on fd 3 (the handler can write there too) ends this invocation, never the endpoint.
      onProtocolError(reason) {
        protocolError = reason;
        void stop();
      },
    });
    const channelPipe = child.stdio[3] as Readable;
    channelPipe.on('data', (c: Buffer) => channel.push(c));
    channelPipe.on('end', () => channel.end());
    channelPipe.on('error', () => undefined);
    child.stdout.on('data', (c: Buffer) => log.add(c));
    child.stderr.on('data', (c: Buffer) => log.add(c));
    child.stdin.on('error', () => undefined); // the handler may exit before reading its event
    child.stdin.end(Buffer.concat([Buffer.from(`${JSON.stringify(params)}\n`), o.event]));

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
      await stop();
    }
    const onAbort = () => void stop();
    o.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (e) => {
      spawnError = e;
      void stop().then(finish);
    });
    // Whatever the handler started ends with the invocation, as Lambda freezes the sandbox after a response.
    // The answer waits for that, so a returned invoke has no processes left.
    let stopped: Promise<void> | undefined;
    function stop(): Promise<void> {
      stopped ??= launch.stop(child.pid).then(
        (unreached) => unreached.forEach((u) => log.add(`SANDBOX_WARNING: could not stop a process of this invocation: ${u}\n`)),
        (e: unknown) => log.add(`SANDBOX_WARNING: could not stop the processes of this invocation: ${errorMessage(e)}\n`),
      );
      return stopped;
    }
    let exited = false;
    child.on('exit', () => {
      exited = true;
      stopped = undefined; // a stop before the exit (timeout, abort) may have missed processes forked since
      void stop().then(() => timers.push(setTimeout(() => finish(), 500)));
    });
    child.on('close', () => void stop().then(finish));

    let finished = false;
    function finish(): void {
      if (finished || (!exited && !spawnError)) return;
      finished = true;
      timers.forEach(clearTimeout);
      o.signal?.removeEventListener('abort', onAbort);
      if (o.signal?.aborted) return reject(new CancelledError());
      if (spawnError) return reject(spawnError);
      const exit = interpreterExit(child.exitCode, child.signalCode, launch.signalAsStatus);
      resolve(
        settle({
          o,
          requestId,
          log,
          mismatch,
          pythonVersion: python.version,
          start,
          outcome: timedOut || protocolError ? undefined : outcome,
          protocolError,
          timedOut,
          timedOutMemory,
          elapsedMs: performance.now() - (invokeStartedAt ?? spawnedAt),
          exitCode: exit.code,
          exitSignal: exit.signal,
        }),
      );
    }
  });
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
