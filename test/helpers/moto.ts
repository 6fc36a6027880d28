import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface Moto {
  /** Base URL, e.g. http://127.0.0.1:41234 — use it as the endpoint of every client. */
  url: string;
  /** Drops all state (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Stops the server. */
  close(): Promise<void>;
}

const INSTALL_HINT = 'moto_server is not available. Install it with: pip install "moto[server]"';

/**
 * Starts `moto_server` on a free loopback port and waits until it answers. The account is always
 * 123456789012; any credentials are accepted. Call `close()` when done (an exit hook also kills it).
 */
export async function startMoto(options: { timeoutMs?: number } = {}): Promise<Moto> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const exited = new Promise<never>((_, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'ENOENT' ? INSTALL_HINT : `moto_server failed to start: ${e.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`moto_server exited with code ${code} before answering. ${INSTALL_HINT}\n${stderr}`)));
  });
  exited.catch(() => {}); // observed below; avoid an unhandled rejection when it exits after close()

  try {
    await Promise.race([waitUntilAnswering(url, options.timeoutMs ?? 20_000), exited]);
  } catch (e) {
    await stop(child);
    process.removeListener('exit', killOnExit);
    throw e;
  }

  return {
    url,
    async reset() {
      const r = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!r.ok) throw new Error(`moto reset failed: HTTP ${r.status}`);
    },
    async close() {
      process.removeListener('exit', killOnExit);
      await stop(child);
    },
  };
}

async function waitUntilAnswering(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`moto_server did not answer at ${url} within ${timeoutMs} ms`);
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
