import { promises as fs } from 'node:fs';

/**
 * Memory in MB of a live process and its descendants (Linux /proc), summed over the tree: `VmHWM` (peak) for the
 * REPORT line of a killed invoke, `VmRSS` (current) for the memory watcher. The child may be bubblewrap or a shell
 * wrapper, so the interpreter is found among its descendants. Undefined where /proc has nothing (other platforms).
 */
export async function treeMemoryMb(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  let kb: number | undefined;
  const queue = [pid];
  const pattern = new RegExp(`${field}:\\s+(\\d+) kB`);
  for (let seen = 0; queue.length > 0 && seen < 256; seen++) {
    const p = queue.shift()!;
    const status = await fs.readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    const value = pattern.exec(status)?.[1];
    if (value) kb = (kb ?? 0) + Number(value);
    const children = await fs.readFile(`/proc/${p}/task/${p}/children`, 'utf8').catch(() => '');
    queue.push(...children.split(' ').filter(Boolean).map(Number));
  }
  return kb === undefined ? undefined : Math.round(kb / 1024);
}
