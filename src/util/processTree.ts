import { execFile } from 'node:child_process';

/**
 * How to stop a child and everything it started, per platform. Children are spawned `detached` (their own
 * process group) everywhere but Windows, where `taskkill /T` walks the parent links instead (Node has no
 * job objects, and a detached Windows child would get its own console).
 */
export type KillPlan =
  { kind: 'taskkill'; command: 'taskkill'; args: string[] } | { kind: 'group'; pgid: number; signal: NodeJS.Signals };

export function killPlan(platform: NodeJS.Platform, pid: number, signal: NodeJS.Signals): KillPlan {
  if (platform === 'win32') return { kind: 'taskkill', command: 'taskkill', args: ['/pid', String(pid), '/T', '/F'] };
  return { kind: 'group', pgid: pid, signal };
}

/** Whether to spawn a child in its own process group so killTree reaches its descendants. */
export const spawnDetached = (platform: NodeJS.Platform = process.platform) => platform !== 'win32';

/** Stops a child spawned with `detached: spawnDetached()` and its process group (its tree on Windows). */
export function killTree(
  pid: number | undefined,
  signal: NodeJS.Signals = 'SIGKILL',
  platform: NodeJS.Platform = process.platform,
): void {
  if (pid === undefined) return;
  const plan = killPlan(platform, pid, signal);
  if (plan.kind === 'taskkill') {
    execFile(plan.command, plan.args, { windowsHide: true }, () => undefined);
    return;
  }
  try {
    process.kill(-plan.pgid, plan.signal);
  } catch {
    try {
      process.kill(pid, plan.signal); // not a group leader (any more): at least the child itself
    } catch {
      // ESRCH: already gone
    }
  }
}
