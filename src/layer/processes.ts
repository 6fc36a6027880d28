import { spawn } from 'node:child_process';
import { promises as fs, constants as fsConstants } from 'node:fs';
import { posix, win32 } from 'node:path';
import { CancelledError } from '../util/errors';
import { killTree, spawnDetached } from '../util/processTree';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Each complete output line as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Binary standard output: each chunk goes here instead of into `output` and `onLine`. */
  onStdout?: (chunk: Buffer) => void;
  /** Written to the child's standard input, which is then closed (default: no input). */
  stdin?: string;
  /** Called once the child exists (tests use it to check the process tree is gone after a cancel). */
  onSpawn?: (pid: number) => void;
  /**
   * The line after which the command's work is done: the promise resolves then (code 0) and the process is left
   * to exit by itself, still stopped by the signal. pip takes 0.15 s to exit after writing its report.
   */
  doneAfter?: (line: string) => boolean;
}

export interface RunResult {
  code: number | null;
  /** stdout and stderr interleaved as received; only the last MAX_OUTPUT characters are kept. */
  output: string;
}

const MAX_OUTPUT = 1 << 20;
const KILL_GRACE_MS = 2000;

/**
 * Runs a command in its own process group so a cancel can stop it together with everything it started
 * (pip's build subprocesses, uv's workers). Rejects with CancelledError once the group is gone, and with the
 * spawn error (code ENOENT, EACCES) when the command cannot start.
 */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(new CancelledError());
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: spawnDetached(),
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    child.stdin.on('error', () => undefined); // a child that exits early closes the pipe; its exit code tells
    child.stdin.end(options.stdin ?? '');
    let output = '';
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const append = (text: string) => {
      output += text;
      if (output.length > MAX_OUTPUT * 2) output = output.slice(-MAX_OUTPUT);
    };
    for (const stream of ['stdout', 'stderr'] as const) {
      if (stream === 'stdout' && options.onStdout) {
        child.stdout.on('data', options.onStdout);
        continue;
      }
      let partial = '';
      child[stream].setEncoding('utf8');
      child[stream].on('data', (chunk: string) => {
        append(chunk);
        const lines = (partial + chunk).split(/\r?\n|\r/);
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.trim()) continue;
          options.onLine?.(line, stream);
          if (!settled && options.doneAfter?.(line)) {
            settled = true;
            resolve({ code: 0, output: output.slice(-MAX_OUTPUT) });
          }
        }
      });
      child[stream].on('end', () => {
        if (partial.trim()) options.onLine?.(partial, stream);
      });
    }
    const onAbort = () => {
      killTree(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killTree(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('spawn', () => {
      if (child.pid !== undefined) options.onSpawn?.(child.pid);
    });
    child.on('error', (e) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    child.on('exit', () => {
      if (!signal?.aborted || settled) return;
      // The leader is gone; make sure nothing it started outlives it, and stop waiting for its pipes.
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      killTree(child.pid, 'SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      reject(new CancelledError());
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (settled) return;
      settled = true;
      if (signal?.aborted) reject(new CancelledError());
      else resolve({ code, output: output.slice(-MAX_OUTPUT) });
    });
  });
}

/** Where `name` may be on PATH, in search order: Windows tries each PATHEXT extension in each folder. */
export function pathCandidates(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  const { delimiter: sep, join: joinPath } = platform === 'win32' ? win32 : posix;
  const pathVar = env.PATH ?? env.Path ?? '';
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  return pathVar
    .split(sep)
    .filter(Boolean)
    .flatMap((dir) => exts.map((ext) => joinPath(dir, name + ext)));
}

/** The first executable named `name` on PATH (PATHEXT-aware on Windows), or undefined. */
export async function findOnPath(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Promise<string | undefined> {
  for (const candidate of pathCandidates(name, env, platform)) {
    try {
      await fs.access(candidate, fsConstants.X_OK);
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
