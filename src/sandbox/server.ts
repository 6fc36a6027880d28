import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLog, type Log } from '../util/log';
import { generateCredentials, type SandboxCredentials } from './auth/credentials';
import { CodeCache } from './codeCache';
import type { SandboxContext } from './context';
import { Invoker } from './invoker';
import type { PoolOptions } from './runtime/pool';
import { Lifecycle } from './lifecycle';
import { Router } from './router';
import { contentRoutes } from './routes/content';
import { functionRoutes } from './routes/functions';
import { invokeRoutes } from './routes/invoke';
import { concurrencyRoutes } from './routes/concurrency';
import { layerRoutes } from './routes/layers';
import { versionRoutes } from './routes/versions';
import { aliasRoutes } from './routes/aliases';
import type { QuarantinedFile } from './store/quarantine';
import { Store } from './store/store';

export interface SandboxOptions {
  /** Where layers, functions and their zips persist across restarts. */
  dataDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** How long Pending → Active and InProgress → Successful take (default 300 ms). */
  updateDelayMs?: number;
  /** The secret clients sign requests with (any access key id); absent: a random one. */
  secretAccessKey?: string;
  /** Warm execution environments: how many live at most (default 16) and how long one may idle (default 5 minutes). */
  environments?: Partial<PoolOptions>;
  /** How long a request body may go without a byte before its connection is closed (default 60 s). */
  bodyIdleMs?: number;
  log?: Log;
}

export interface Sandbox {
  url: string;
  port: number;
  /** Damaged records this start moved to `quarantineDir` (the endpoint runs without them). */
  quarantined: readonly QuarantinedFile[];
  quarantineDir: string;
  /** What to sign requests with: the given or generated secret and an access key id to go with it. */
  credentials: SandboxCredentials;
  close(): Promise<void>;
}

/** Starts the local Lambda-compatible endpoint on 127.0.0.1 over the data in `dataDir`. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const log = options.log ?? silentLog;
  if (options.secretAccessKey === '') throw new Error('The secret access key of the local endpoint must not be empty');
  const store = new Store(options.dataDir, { log });
  const cache = new CodeCache(store.cacheDir, log);
  const lifecycle = new Lifecycle(options.updateDelayMs ?? 300, log);
  const invoker = new Invoker(store, cache, log, options.environments);
  const sb: SandboxContext = { store, lifecycle, invoker, log };

  // What a previous run left Pending/InProgress settles as if that run had finished its work.
  const functions = await store.load();
  for (const { region, fn } of functions) {
    if (fn.state === 'Pending' || fn.lastUpdateStatus === 'InProgress')
      lifecycle.schedule(store.region(region).functions, fn.name, fn.revisionId);
  }
  await cache.prune(functions.map((f) => f.fn));

  const generated = generateCredentials();
  const credentials = {
    accessKeyId: generated.accessKeyId,
    secretAccessKey: options.secretAccessKey ?? generated.secretAccessKey,
  };
  let url = '';
  let port = 0;
  const router = new Router(
    log,
    () => ({ url, port, secretAccessKey: credentials.secretAccessKey }),
    options.bodyIdleMs ?? 60_000,
  );
  layerRoutes(router, sb);
  functionRoutes(router, sb);
  invokeRoutes(router, sb);
  concurrencyRoutes(router, sb);
  versionRoutes(router, sb);
  aliasRoutes(router, sb);
  contentRoutes(router, sb);

  // Requests still being handled when close() is called finish their writes before close() resolves.
  const inflight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handling = router.handle(req, res);
    inflight.add(handling);
    void handling.finally(() => inflight.delete(handling));
  });
  server.requestTimeout = 0; // an Invoke lasts as long as the function's timeout (up to 900 s)
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  url = `http://${host}:${port}`;
  log.info(
    `Lambda sandbox listening on ${url} (data in ${options.dataDir}); it answers only requests signed with its secret access key`,
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    quarantined: store.quarantine.entries,
    quarantineDir: store.quarantine.dir,
    credentials,
    close: () =>
      (closing ??= (async () => {
        await invoker.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await Promise.allSettled([...inflight]);
        await lifecycle.close();
      })()),
  };
}
