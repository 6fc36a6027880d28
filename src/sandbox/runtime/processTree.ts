import { promises as fs } from 'node:fs';

/**
 * Peak resident memory in MB of a live process and its descendants (Linux /proc), for the REPORT line of a
 * killed invoke. The child may be bubblewrap or a shell wrapper, so the interpreter is found among its descendants.
 */
export async function peakMemoryMb(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  let peak: number | undefined;
  const queue = [pid];
  for (let seen = 0; queue.length > 0 && seen < 64; seen++) {
    const p = queue.shift()!;
    const status = await fs.readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    if (kb) peak = Math.max(peak ?? 0, Math.round(Number(kb) / 1024));
    const children = await fs.readFile(`/proc/${p}/task/${p}/children`, 'utf8').catch(() => '');
    queue.push(...children.split(' ').filter(Boolean).map(Number));
  }
  return peak;
}
