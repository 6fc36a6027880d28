// Starts code-server (VS Code 1.100's server + web workbench, installed by scripts/setup-code-server.sh).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { CODE_SERVER_BIN, SETUP_SCRIPT } from './paths';
import { killTree, killTreeNow } from './processes';

export interface CodeServerOptions {
  userDataDir: string;
  extensionsDir: string;
  /** Folder opened by default when the bare URL is visited. */
  workspace: string;
  /** Display language, e.g. 'zh-cn' (needs a language pack in the profile, see profile.ts). */
  locale?: string;
  /** Fixed port; a free one is picked otherwise. */
  port?: number;
  /** Extra environment for code-server and so for the extension hosts it forks; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** code-server's own output goes here. */
  logFile: string;
  /** Keep workspace trust on, to test restricted mode. */
  workspaceTrust?: boolean;
  startTimeoutMs?: number;
}

export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

let installed = false;

/** Runs scripts/setup-code-server.sh (a fast no-op once installed) once per process; returns the binary. */
export function ensureCodeServer(): string {
  if (installed) return CODE_SERVER_BIN;
  const result = spawnSync('bash', [SETUP_SCRIPT], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 });
  if (result.status !== 0 || !fs.existsSync(CODE_SERVER_BIN)) {
    throw new Error(
      `code-server is not installed and ${SETUP_SCRIPT} failed (exit ${result.status ?? result.signal}).`,
    );
  }
  installed = true;
  return CODE_SERVER_BIN;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function baseArgs(options: Pick<CodeServerOptions, 'userDataDir' | 'extensionsDir'>): string[] {
  return ['--user-data-dir', options.userDataDir, '--extensions-dir', options.extensionsDir];
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited during start-up (${child.exitCode ?? child.signalCode}); see ${logFile}`);
    }
    try {
      const response = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer on ${url} within ${timeoutMs} ms; see ${logFile}`);
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const bin = ensureCodeServer();
  const port = options.port ?? (await freePort());
  // Its own config file, so ~/.config/code-server/config.yaml (a password, another bind address) has no say.
  const config = path.join(options.userDataDir, 'code-server.yaml');
  fs.mkdirSync(options.userDataDir, { recursive: true });
  fs.writeFileSync(config, 'auth: none\n');
  const args = [
    ...baseArgs(options),
    '--config',
    config,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    ...(options.locale ? ['--locale', options.locale] : []),
    options.workspace,
  ];
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, 'a');
  // Detached: code-server leads its own process group, so the whole tree can be signalled at once.
  const child = spawn(bin, args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: Object.fromEntries(Object.entries({ ...process.env, ...options.env }).filter(([, v]) => v !== undefined)),
  });
  fs.closeSync(log);
  const pid = child.pid!;
  const killOnExit = () => killTreeNow(pid);
  process.on('exit', killOnExit);

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= killTree(pid).finally(() => process.off('exit', killOnExit));
    return stopped;
  };
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHealth(url, child, options.startTimeoutMs ?? 60_000, options.logFile);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, pid, stop };
}
