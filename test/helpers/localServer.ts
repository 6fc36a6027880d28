import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A child process serving HTTP on a loopback port, started by a test. */
export interface LocalServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 3 s). */
  close(): Promise<void>;
}

export interface LocalServerSpec {
  /** Shown in errors, e.g. "moto_server". */
  name: string;
  command: string;
  /** Arguments given the chosen port. */
  args(port: number): string[];
  /** Path that answers once the server is ready, e.g. "/moto-api/". */
  readyPath: string;
  /** Said when the command is missing or dies before answering. */
  installHint: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a server on a free loopback port and waits until `readyPath` answers. An exit hook kills it if the
 * test process ends without `close()`.
 */
export async function startLocalServer(spec: LocalServerSpec): Promise<LocalServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(spec.command, spec.args(port), {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: spec.env ?? process.env,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const exited = new Promise<never>((_, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'ENOENT' ? spec.installHint : `${spec.name} failed to start: ${e.message}`)),
    );
    child.once('exit', (code) =>
      reject(new Error(`${spec.name} exited with code ${code} before answering. ${spec.installHint}\n${stderr}`)),
    );
  });
  exited.catch(() => {}); // observed below; avoid an unhandled rejection when it exits after close()

  try {
    await Promise.race([waitUntilAnswering(spec.name, url + spec.readyPath, spec.timeoutMs ?? 20_000), exited]);
  } catch (e) {
    await stop(child);
    process.removeListener('exit', killOnExit);
    throw e;
  }
  return {
    url,
    async close() {
      process.removeListener('exit', killOnExit);
      await stop(child);
    },
  };
}

async function waitUntilAnswering(name: string, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${name} did not answer at ${url} within ${timeoutMs} ms`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
