import { errorMessage } from '../util/errors';
import type { Log } from '../util/log';
import type { CodeCache } from './codeCache';
import { hostIsolation } from './runtime/isolation';
import { runPython, type RunPythonResult } from './runtime/runPython';
import { UnsafeZipError } from './runtime/extractZip';
import { runtimePythonVersion } from './runtime/python';
import type { FunctionRecord } from './store/records';
import type { Store } from './store/store';
import { ApiError } from './wire';

export interface InvokeRequest {
  region: string;
  fn: FunctionRecord;
  event: Uint8Array;
  requestId: string;
  clientContext?: string;
}

/**
 * Runs stored functions: extracted code and layers come from the cache, execution from runPython.
 * Owns the background (Event) invocations so closing the sandbox stops them.
 */
export class Invoker {
  private readonly controller = new AbortController();
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly store: Store, private readonly cache: CodeCache, private readonly log: Log) {
    // Said once per endpoint: whether handlers are isolated, and what could outlive an invocation.
    void hostIsolation().then((i) => i.notices.forEach((n) => (i.bwrap ? log.info(n) : log.warn(n))));
  }

  async run(r: InvokeRequest): Promise<RunPythonResult> {
    const { fn } = r;
    if (!fn.runtime || !runtimePythonVersion(fn.runtime)) {
      throw new ApiError(502, 'InvalidRuntimeException', `The runtime parameter of ${fn.runtime} is not supported by this local sandbox: it runs python3.x functions only.`);
    }
    const blobs = [fn.codeBlob, ...fn.layers.map((l) => l.blob)];
    blobs.forEach((b) => this.store.blobs.pin(b));
    try {
      const [codeDir, optDir] = await Promise.all([
        this.cache.taskDir(fn.codeBlob, this.store.blobs.pathOf(fn.codeBlob)),
        this.cache.optDir(fn.layers.map((l) => l.blob), fn.layers.map((l) => this.store.blobs.pathOf(l.blob))),
      ]).catch((e: unknown) => {
        if (e instanceof UnsafeZipError) throw new ApiError(502, 'InvalidZipFileException', `Lambda was unable to unzip the deployment package: ${e.message}`);
        throw e;
      });
      return await runPython({
        codeDir,
        optDir,
        handler: fn.handler ?? '',
        runtime: fn.runtime,
        event: r.event,
        timeoutSeconds: fn.timeout,
        memoryMb: fn.memorySize,
        functionName: fn.name,
        env: fn.environment,
        region: r.region,
        signal: this.controller.signal,
        requestId: r.requestId,
        clientContext: r.clientContext,
      });
    } finally {
      blobs.forEach((b) => this.store.blobs.unpin(b));
    }
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
  }
}
