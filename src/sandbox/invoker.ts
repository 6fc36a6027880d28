import { createHash } from 'node:crypto';
import { errorMessage } from '../util/errors';
import type { Log } from '../util/log';
import type { CodeCache } from './codeCache';
import type { EnvironmentSpec } from './runtime/environment';
import { hostIsolation } from './runtime/isolation';
import { DEFAULT_POOL, EnvironmentPool, PoolFullError, type PoolOptions } from './runtime/pool';
import type { InvocationResult } from './runtime/runPython';
import { UnsafeZipError } from './runtime/extractZip';
import { RuntimeUnavailableError, runtimeLanguage } from './runtime/language';
import type { FunctionRecord } from './store/records';
import type { Store } from './store/store';
import { ApiError } from './wire';

export interface InvokeRequest {
  region: string;
  /** The configuration to run: $LATEST's record, or the snapshot a published version pins. */
  fn: FunctionRecord;
  /** The version `fn` is (default $LATEST); environments of different versions are never shared. */
  version?: string;
  /** The ARN the caller invoked (an alias's, say), as the handler's context sees it. */
  invokedArn?: string;
  event: Uint8Array;
  requestId: string;
  clientContext?: string;
}

const throttled = (reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded') =>
  new ApiError(429, 'TooManyRequestsException', 'Rate Exceeded.', {}, { Reason: reason });

/**
 * Runs stored functions in warm execution environments (runtime/pool.ts): extracted code and layers come from
 * the cache when an environment starts. Counts invocations in flight per function for reserved concurrency,
 * and owns the background (Event) invocations, so closing the sandbox stops them and kills every environment.
 */
export class Invoker {
  private readonly controller = new AbortController();
  private readonly background = new Set<Promise<void>>();
  private readonly pool: EnvironmentPool;
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly cache: CodeCache,
    private readonly log: Log,
    pool: Partial<PoolOptions> = {},
  ) {
    this.pool = new EnvironmentPool({ ...DEFAULT_POOL, ...pool });
    // Said once per endpoint: whether handlers are isolated, and what could outlive an invocation.
    void hostIsolation().then((i) => i.notices.forEach((n) => (i.bwrap ? log.info(n) : log.warn(n))));
  }

  async run(r: InvokeRequest): Promise<InvocationResult> {
    const { fn } = r;
    if (!runtimeLanguage(fn.runtime)) {
      throw new ApiError(
        502,
        'InvalidRuntimeException',
        `The runtime parameter of ${fn.runtime} is not supported by this local sandbox: it runs python3.x and nodejsNN.x functions only.`,
      );
    }
    const id = `${r.region}/${fn.name}`;
    const running = this.inFlight.get(id) ?? 0;
    // Reserved concurrency is the function's, shared by all its versions: read from the function, not the snapshot.
    const reserved = this.store.region(r.region).functions.get(fn.name)?.reservedConcurrency;
    if (reserved !== undefined && running >= reserved)
      throw throttled('ReservedFunctionConcurrentInvocationLimitExceeded');
    this.inFlight.set(id, running + 1);
    const blobs = [fn.codeBlob, ...fn.layers.map((l) => l.blob)];
    blobs.forEach((b) => this.store.blobs.pin(b));
    try {
      const input = {
        event: r.event,
        requestId: r.requestId,
        clientContext: r.clientContext,
        functionArn: r.invokedArn,
        signal: this.controller.signal,
      };
      // A change retires the environments of that version only: $LATEST's and a published version's never mix.
      return await this.pool.invoke(`${id}:${r.version ?? '$LATEST'}`, environmentKey(r), () => this.spec(r), input);
    } catch (e) {
      if (e instanceof PoolFullError) throw throttled('ConcurrentInvocationLimitExceeded');
      // This machine lacks the runtime's interpreter: said to the caller, not only in the endpoint's log.
      if (e instanceof RuntimeUnavailableError) throw new ApiError(502, 'InvalidRuntimeException', e.message);
      throw e;
    } finally {
      blobs.forEach((b) => this.store.blobs.unpin(b));
      const left = (this.inFlight.get(id) ?? 1) - 1;
      if (left > 0) this.inFlight.set(id, left);
      else this.inFlight.delete(id);
    }
  }

  /** What a new environment for `r` runs: code and layers extracted (or verified) in the cache. */
  private async spec(r: InvokeRequest): Promise<EnvironmentSpec> {
    const { fn } = r;
    const [codeDir, optDir] = await Promise.all([
      this.cache.taskDir(fn.codeBlob, this.store.blobs.pathOf(fn.codeBlob)),
      this.cache.optDir(
        fn.layers.map((l) => l.blob),
        fn.layers.map((l) => this.store.blobs.pathOf(l.blob)),
      ),
    ]).catch((e: unknown) => {
      if (e instanceof UnsafeZipError)
        throw new ApiError(
          502,
          'InvalidZipFileException',
          `Lambda was unable to unzip the deployment package: ${e.message}`,
        );
      throw e;
    });
    return {
      codeDir,
      optDir,
      handler: fn.handler ?? '',
      runtime: fn.runtime!,
      timeoutSeconds: fn.timeout,
      memoryMb: fn.memorySize,
      functionName: fn.name,
      version: r.version,
      env: fn.environment,
      region: r.region,
    };
  }

  /** An Event invocation: answered at once, run afterwards, its log written to the sandbox log. */
  runInBackground(r: InvokeRequest): void {
    const work = this.run(r).then(
      (result) => this.log.info(result.log.trimEnd()),
      (e: unknown) => {
        if (!this.controller.signal.aborted) this.log.warn(`async invoke of ${r.fn.name} failed: ${errorMessage(e)}`);
      },
    );
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  async close(): Promise<void> {
    this.controller.abort();
    await Promise.allSettled([...this.background]);
    await this.pool.close();
  }
}

/**
 * Which environments an invocation may share: the same function version with the same code, layers and
 * configuration. Any change (and a function deleted and created again: a new LastModified) gives a new key,
 * so the function's older environments are retired.
 */
export function environmentKey(r: Pick<InvokeRequest, 'region' | 'fn' | 'version'>): string {
  const { fn } = r;
  const identity = [
    r.region,
    fn.name,
    r.version ?? '$LATEST',
    fn.lastModified,
    fn.codeBlob,
    fn.runtime,
    fn.handler,
    fn.memorySize,
    fn.timeout,
    fn.environment ?? {},
    fn.layers.map((l) => l.blob),
    fn.architectures,
    fn.ephemeralStorageMb,
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}
