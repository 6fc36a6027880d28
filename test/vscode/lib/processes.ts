// Stopping code-server means stopping its whole tree: it forks a file watcher, a pty host and one extension
// host per window, and none of them may outlive a test run.
import * as fs from 'node:fs';

function childrenByParent(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Field 4 is the parent pid; the command name (field 2) may contain spaces, so parse after its ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = map.get(ppid) ?? [];
    list.push(Number(entry));
    map.set(ppid, list);
  }
  return map;
}

export function descendants(pid: number): number[] {
  const byParent = childrenByParent();
  const result: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      result.push(child);
      queue.push(child);
    }
  }
  return result;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** SIGTERM the process and every descendant, then SIGKILL whatever is still alive after `graceMs`. */
export async function killTree(pid: number, graceMs = 3000): Promise<void> {
  const pids = [pid, ...descendants(pid)];
  signal(-pid, 'SIGTERM'); // the process group, when it was spawned detached
  for (const p of pids) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(isAlive)) await new Promise((r) => setTimeout(r, 100));
  // Children forked during shutdown are caught by a second look.
  signal(-pid, 'SIGKILL');
  for (const p of [...pids, ...descendants(pid)]) if (isAlive(p)) signal(p, 'SIGKILL');
}

/** Synchronous last resort for process 'exit' handlers, where nothing asynchronous runs any more. */
export function killTreeNow(pid: number): void {
  signal(-pid, 'SIGKILL');
  for (const p of [pid, ...descendants(pid)]) signal(p, 'SIGKILL');
}
