import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { CancelledError, errorMessage } from '../../util/errors';
import { spawnDetached } from '../../util/processTree';
import { functionArn } from '../arn';
import { DEFAULT_REGION, INIT_TIMEOUT_MS } from '../limits';
import { ChannelReader, type ErrorMessage, type ResultMessage } from './channel';
import { lambdaEnv } from './env';
import { hostIsolation, type Isolation } from './isolation';
import { runtimeLauncher, type RuntimeLauncher } from './language';
import { interpreterExit, prepareLaunch, type Launch } from './launch';
import { LogBuffer } from './logBuffer';
import { LogMarkers } from './logMarkers';
import { settle, type FailureCause } from './outcome';
import { treeMemoryMb } from './processTree';
import { startLine } from './report';

/** What an environment is made of: one function version with one configuration. */
export interface EnvironmentSpec {
  /** Plays /var/task. */
  codeDir: string;
  /** Plays /opt (layers already extracted into it, in order). */
  optDir: string;
  handler: string;
  /** e.g. python3.12 or nodejs22.x (language.ts picks the launcher) */
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  functionName: string;
  /** The function version it runs (default $LATEST): START lines, AWS_LAMBDA_FUNCTION_VERSION. */
  version?: string;
  env?: Record<string, string>;
  region?: string;
  /** Defaults to what this machine offers (hostIsolation); tests force the weaker mechanisms with it. */
  isolation?: Isolation;
}

export interface InvocationInput {
  event: Uint8Array;
  /** Defaults to a fresh UUID. */
  requestId?: string;
  /** The JSON of X-Amz-Client-Context (already base64-decoded). */
  clientContext?: string;
  /** The ARN the caller invoked, as the context's invoked_function_arn; default the function's ARN. */
  functionArn?: string;
  signal?: AbortSignal;
}

export interface InvocationResult {
  /** The handler's JSON response, or the error document when functionError is set. */
  payload: Uint8Array;
  functionError?: 'Unhandled';
  /** The function's log: START, its output, END and REPORT lines (and INIT_START on a cold start). */
  log: string;
  durationMs: number;
  /** Measured import time of the handler module; set only on the environment's first invocation (a cold start). */
  initDurationMs?: number;
  /** Set when the local interpreter's version (Python's minor, Node's major) is not the runtime's. */
  runtimeMismatch?: string;
  requestId: string;
}

/** One invocation in flight. */
interface Running {
  seq: number;
  requestId: string;
  input: InvocationInput;
  log: LogBuffer;
  /** The environment's first invocation: its REPORT carries Init Duration. */
  cold: boolean;
  startLogged: boolean;
  clockStartedAt?: number;
  outcome?: ResultMessage | ErrorMessage;
  markerSeen: boolean;
  timers: NodeJS.Timeout[];
  timedOutMemory?: number;
  resolve(r: InvocationResult): void;
  reject(e: unknown): void;
  onAbort(): void;
}

/** How long a result waits for its log marker and the marker for its result; only a handler that tampered with a pipe makes either wait. */
const MARKER_WAIT_MS = 2000;
/** How long a dead environment's pipes may stay open (a daemon that escaped holding them) before the answer goes out. */
const CLOSE_WAIT_MS = 500;

/**
 * A Lambda execution environment on this machine: one bootstrap process (bootstrap.py or bootstrap.cjs) that loads the
 * handler once and then serves invocations one at a time, so module globals survive between them and only the
 * first REPORT has an Init Duration. A timeout, a crash, an out-of-memory kill, a protocol error or `retire()`
 * kills it with everything it started, as a whole tree, and it never runs again. Every byte the process writes
 * is hostile: the control channel goes through ChannelReader, the log through LogMarkers into bounded buffers.
 */
export class Environment {
  private seq = 0;
  private log = new LogBuffer();
  private current: Running | undefined;
  private started = false;
  private initMs: number | undefined;
  private initFailed = false;
  private initLogged = false;
  private dying: Promise<void> | undefined;
  private retiredFlag = false;
  private readonly closed: Promise<void>;
  private readonly channel: ChannelReader;
  private readonly markers: LogMarkers;
  private exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
  private protocolError: string | undefined;
  private spawnError: Error | undefined;

  private constructor(
    private readonly spec: EnvironmentSpec,
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly launch: Launch,
    private readonly launcher: RuntimeLauncher,
    private readonly onRetired: (env: Environment) => void,
  ) {
    this.log.add(`INIT_START Runtime Version: ${launcher.runtimeVersion}\n`);
    if (launcher.mismatch) this.log.add(`SANDBOX_WARNING: ${launcher.mismatch}\n`);
    this.channel = new ChannelReader({
      onMessage: (m) => {
        if (m.type === 'start') {
          this.started = true;
          this.initMs = m.initMs;
          this.initFailed = m.initFailed === 1;
          if (this.current) this.startClock(this.current);
        } else if (this.current) {
          this.current.outcome = m;
          this.settleIfComplete(this.current);
        }
      },
      // Whatever is on the channel (the handler can write there too) ends this environment, never the endpoint.
      onProtocolError: (reason) => {
        this.protocolError ??= reason;
        void this.die('protocol');
      },
    });
    this.markers = new LogMarkers((text) => this.log.add(text));
    this.closed = new Promise((resolve) => child.on('close', () => resolve()));
    child.stdout.on('data', (c: Buffer) => this.channel.push(c));
    child.stdout.on('end', () => this.channel.end());
    child.stderr.on('data', (c: Buffer) => this.markers.push(c));
    child.stdin.on('error', () => undefined); // the process may die before reading what was sent
    child.stdout.on('error', () => undefined);
    child.stderr.on('error', () => undefined);
    child.on('error', (e) => {
      this.spawnError = e;
      void this.die('exit');
    });
    child.on('exit', (code, signal) => {
      this.exit = interpreterExit(code, signal, launch.signalAsStatus);
      void this.die('exit');
    });
    launch.memory.watch(child.pid, () => void this.die('exit'));
  }

  /** Starts the process and its init (the handler's import), which overlaps the first invocation's request. */
  static async start(
    spec: EnvironmentSpec,
    onRetired: (env: Environment) => void = () => undefined,
  ): Promise<Environment> {
    const isolation = spec.isolation ?? (await hostIsolation());
    const launcher = await runtimeLauncher(spec.runtime, spec.env, isolation.platform);
    const launch = await prepareLaunch({
      isolation,
      launcher,
      codeDir: spec.codeDir,
      optDir: spec.optDir,
      memoryMb: spec.memoryMb,
    });
    const region = spec.region ?? DEFAULT_REGION;
    const env = {
      ...lambdaEnv({
        ...spec,
        paths: launch.paths,
        region,
        userEnv: spec.env,
        runtimeDefaults: launcher.defaults(launch.paths, isolation.platform),
        platform: isolation.platform,
        hostEnv: process.env,
      }),
      ...launch.env,
    };
    const child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: spawnDetached(isolation.platform),
      windowsHide: true,
    });
    const environment = new Environment(spec, child, launch, launcher, onRetired);
    // Parameters go over stdin: the environment variables are the handler's to read and log.
    const initMarker = newMarker();
    environment.markers.expect(initMarker, () => environment.onInitLogged());
    environment.send({ type: 'init', ...launcher.init(launch.paths), marker: initMarker });
    return environment;
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Dead or being killed: it takes no more invocations. */
  get retired(): boolean {
    return this.retiredFlag;
  }

  /** Runs one invocation; the environment must be idle and not retired. */
  invoke(input: InvocationInput): Promise<InvocationResult> {
    if (this.current || this.retiredFlag)
      return Promise.reject(new Error('internal: the environment is busy or retired'));
    if (input.signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise<InvocationResult>((resolve, reject) => {
      const seq = ++this.seq;
      const requestId = input.requestId ?? randomUUID();
      const run: Running = {
        seq,
        requestId,
        input,
        log: this.log,
        cold: seq === 1,
        startLogged: false,
        markerSeen: false,
        timers: [],
        resolve,
        reject,
        onAbort: () => void this.die('abort'),
      };
      this.current = run;
      if (this.initLogged) this.logStart(run);
      const marker = newMarker();
      this.markers.expect(marker, () => {
        run.markerSeen = true;
        this.log = new LogBuffer(); // what comes after the marker belongs to the next invocation
        // The bootstrap sends the outcome right after the marker; a channel that swallowed it (a forged length) ends here.
        if (!run.outcome) run.timers.push(setTimeout(() => this.noOutcome(), MARKER_WAIT_MS));
        this.settleIfComplete(run);
      });
      this.channel.expectOutcome(seq);
      input.signal?.addEventListener('abort', run.onAbort, { once: true });
      if (seq > 1) void this.launch.freeze(false);
      const spec = this.spec;
      const region = spec.region ?? DEFAULT_REGION;
      this.send(
        {
          type: 'invoke',
          seq,
          requestId,
          functionArn: input.functionArn ?? functionArn(region, spec.functionName),
          timeoutMs: Math.round(spec.timeoutSeconds * 1000),
          clientContext: input.clientContext ?? '',
          marker,
        },
        input.event,
      );
      // Lambda gives init its own 10 s; the function timeout then runs from the end of init.
      if (this.started) this.startClock(run);
      else run.timers.push(setTimeout(() => this.startClock(run), INIT_TIMEOUT_MS));
    });
  }

  /** Kills the environment and everything it started; an invocation in flight ends as cancelled. */
  retire(): Promise<void> {
    return this.die('abort');
  }

  private send(header: Record<string, unknown>, body: Uint8Array = new Uint8Array()): void {
    this.child.stdin.write(Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, len: body.length })}\n`), body]));
  }

  private onInitLogged(): void {
    this.initLogged = true;
    if (this.current && !this.current.startLogged) this.logStart(this.current);
  }

  private logStart(run: Running): void {
    run.startLogged = true;
    run.log.add(startLine(run.requestId, this.spec.version));
  }

  private startClock(run: Running): void {
    if (run.clockStartedAt !== undefined) return;
    run.clockStartedAt = performance.now();
    run.timers.push(setTimeout(() => void this.die('timeout'), this.spec.timeoutSeconds * 1000));
  }

  /** An outcome is complete once its log marker has come through too; a missing marker is waited for only briefly. */
  private settleIfComplete(run: Running): void {
    if (!run.outcome || this.current !== run) return;
    if (!run.markerSeen) {
      run.timers.push(setTimeout(() => void this.die('marker'), MARKER_WAIT_MS));
      return;
    }
    this.finish(run, undefined);
    // A handler that could not be loaded answered its first invocation with the error; the next one starts over.
    if (this.initFailed) void this.die('abort');
    // Idle, it is frozen as on Lambda: its threads and the processes it started run only during invocations.
    else void this.launch.freeze(true);
  }

  private noOutcome(): void {
    this.protocolError ??= "no outcome followed the end of the invocation's log";
    void this.die('protocol');
  }

  private die(cause: FailureCause | 'abort' | 'marker'): Promise<void> {
    this.retiredFlag = true;
    this.dying ??= (async () => {
      this.onRetired(this);
      const run = this.current;
      if (run && cause === 'timeout') run.timedOutMemory = await treeMemoryMb(this.child.pid, 'VmHWM');
      // Read before the stop removes the environment's cgroup with its counters.
      const outOfMemory = await this.launch.memory.exceeded();
      const unreached = await this.launch.stop(this.child.pid).catch((e: unknown) => [`${errorMessage(e)}`]);
      // The answer waits for the pipes (everything the handler printed is in the log), within reason.
      await Promise.race([this.closed, new Promise((r) => setTimeout(r, CLOSE_WAIT_MS))]);
      this.markers.end();
      if (!run || this.current !== run) return;
      for (const u of unreached) run.log.add(`SANDBOX_WARNING: could not stop a process of this environment: ${u}\n`);
      if (cause === 'abort') return this.reject(run, new CancelledError());
      if (this.spawnError) return this.reject(run, this.spawnError);
      // An outcome that came before the process died (or without its log marker) still stands, unless memory ran out.
      const failure = outOfMemory
        ? 'outOfMemory'
        : run.outcome && (cause === 'exit' || cause === 'marker')
          ? undefined
          : cause === 'marker'
            ? 'exit'
            : cause;
      this.finish(run, failure);
    })();
    return this.dying;
  }

  private reject(run: Running, e: unknown): void {
    this.release(run);
    run.reject(e);
  }

  private release(run: Running): void {
    run.timers.forEach(clearTimeout);
    run.input.signal?.removeEventListener('abort', run.onAbort);
    this.current = undefined;
  }

  private finish(run: Running, failure: FailureCause | 'outOfMemory' | undefined): void {
    this.release(run);
    if (run.input.signal?.aborted) return run.reject(new CancelledError());
    run.resolve(
      settle({
        spec: this.spec,
        requestId: run.requestId,
        log: run.log,
        mismatch: this.launcher.mismatch,
        local: `${this.launcher.label}: ${this.launcher.version}`,
        startLogged: run.startLogged,
        initMs: run.cold ? this.initMs : undefined,
        outcome: failure ? undefined : run.outcome,
        failure,
        protocolError: this.protocolError,
        timedOutMemory: run.timedOutMemory,
        elapsedMs: performance.now() - (run.clockStartedAt ?? performance.now()),
        exitCode: this.exit.code,
        exitSignal: this.exit.signal,
      }),
    );
  }
}

/** A phase's end in the log: NUL-delimited so it never looks like a line a handler would print. */
const newMarker = () => `\0lambda-layers-log-mark-${randomBytes(12).toString('hex')}\0`;
