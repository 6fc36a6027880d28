import { promises as fs } from 'node:fs';

/** Set in a handler's environment where nothing stronger than a /proc sweep can find its processes. */
export const INVOCATION_MARKER_VAR = 'LAMBDA_LAYERS_INVOCATION';

const ROUNDS = 5;

/** Whether a NUL-separated /proc/<pid>/environ carries the invocation's marker. */
export function hasMarker(environ: Buffer, marker: string): boolean {
  const needle = Buffer.from(`${INVOCATION_MARKER_VAR}=${marker}\0`);
  return (
    environ.subarray(0, needle.length).equals(needle) || environ.includes(Buffer.concat([Buffer.from('\0'), needle]))
  );
}

/**
 * Kills every process whose environment carries `marker` (a double-forked daemon has left the process group
 * but keeps the environment it inherited). Looks again until a round finds nothing, since a process may
 * fork while the sweep runs; returns what could not be killed.
 */
export async function sweepMarked(marker: string): Promise<string[]> {
  const unreached = new Map<number, string>();
  for (let round = 0; round < ROUNDS; round++) {
    let found = 0;
    for (const name of await fs.readdir('/proc').catch(() => [] as string[])) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid === process.pid || unreached.has(pid)) continue;
      const environ = await fs.readFile(`/proc/${pid}/environ`).catch(() => undefined);
      if (!environ || !hasMarker(environ, marker)) continue;
      found++;
      try {
        process.kill(pid, 'SIGKILL');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH')
          unreached.set(pid, `process ${pid} (${(e as NodeJS.ErrnoException).code})`);
      }
    }
    if (found === 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return [...unreached.values()];
}
