import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { OWN_PREFIX, removeStale } from './cgroup';
import { treeMemoryMb } from './processTree';

/**
 * How an environment's memory size is enforced, strongest first: a cgroup v2 `memory.max` or a cgroup v1
 * `memory.limit_in_bytes` (the kernel kills the environment past it, as on Lambda), else a watcher that samples
 * the resident memory of the environment's processes and kills them past it (a fast allocation can overshoot
 * between samples), else nothing (Windows: no cgroups, no cheap way to read a process tree's memory from Node).
 */
export type MemoryEnforcement =
  | { kind: 'cgroup-v2'; dir: string }
  | { kind: 'cgroup-v1'; dir: string }
  | { kind: 'watch'; sampler: 'proc' | 'ps' }
  | { kind: 'none' };

/** What the memory probe found on Linux: a cgroup folder that takes a memory limit, or why there is none. */
export type MemoryProbe = { v2: string } | { v1: string } | { why: string };

/** The enforcement a platform and a probe allow; pure, so each platform is unit-tested. */
export function planMemory(platform: NodeJS.Platform, probe: MemoryProbe): MemoryEnforcement {
  if (platform === 'win32') return { kind: 'none' };
  if (platform !== 'linux') return { kind: 'watch', sampler: 'ps' };
  if ('v2' in probe) return { kind: 'cgroup-v2', dir: probe.v2 };
  if ('v1' in probe) return { kind: 'cgroup-v1', dir: probe.v1 };
  return { kind: 'watch', sampler: 'proc' };
}

/** The endpoint's log line about memory, said once (undefined when the kernel enforces it). */
export function memoryNotice(m: MemoryEnforcement, probe: MemoryProbe): string | undefined {
  const why = 'why' in probe ? ` (no cgroup takes a memory limit here: ${probe.why})` : '';
  if (m.kind === 'watch')
    return `Memory size is enforced by sampling each environment's resident memory every ${WATCH_INTERVAL_MS} ms${why}; a fast allocation can overshoot it briefly.`;
  if (m.kind === 'none')
    return "Memory size is not enforced on Windows: a handler can use more memory than its function's MemorySize.";
  return undefined;
}

/** One environment's memory limit, whichever mechanism holds it. */
export interface MemoryLimit {
  /** A cgroup.procs file the environment's first process writes its pid to before it execs Python. */
  procsFile?: string;
  /** Starts watching the environment's processes (the watcher mechanism); `onExceeded` kills them. */
  watch(pid: number | undefined, onExceeded: () => void): void;
  /** Whether the environment went past its memory size (the kernel or the watcher killed something). */
  exceeded(): Promise<boolean>;
  /** Ends the watcher and removes the cgroup once its processes are gone. */
  release(): Promise<void>;
}

export const WATCH_INTERVAL_MS = 100;
const RELEASE_WAIT_MS = 2000;

export async function createMemoryLimit(m: MemoryEnforcement, memoryMb: number): Promise<MemoryLimit> {
  const bytes = String(memoryMb * 1024 * 1024);
  if (m.kind === 'cgroup-v2' || m.kind === 'cgroup-v1') {
    const dir = join(m.dir, `env-${randomBytes(8).toString('hex')}`);
    await fs.mkdir(dir);
    try {
      if (m.kind === 'cgroup-v2') {
        await fs.writeFile(join(dir, 'memory.max'), bytes);
        await fs.writeFile(join(dir, 'memory.swap.max'), '0').catch(() => undefined);
      } else {
        await fs.writeFile(join(dir, 'memory.limit_in_bytes'), bytes);
        await fs.writeFile(join(dir, 'memory.memsw.limit_in_bytes'), bytes).catch(() => undefined);
      }
    } catch (e) {
      await fs.rmdir(dir).catch(() => undefined);
      throw e;
    }
    const events = m.kind === 'cgroup-v2' ? 'memory.events' : 'memory.oom_control';
    return {
      procsFile: join(dir, 'cgroup.procs'),
      watch: () => undefined,
      exceeded: async () => oomKills(await fs.readFile(join(dir, events), 'utf8').catch(() => '')) > 0,
      release: () => removeWhenEmpty(dir),
    };
  }
  if (m.kind === 'watch')
    return new MemoryWatcher(memoryMb, m.sampler === 'proc' ? (pid) => treeMemoryMb(pid, 'VmRSS') : psGroupRssMb);
  return { watch: () => undefined, exceeded: async () => false, release: async () => undefined };
}

/** The `oom_kill N` count of a cgroup v2 memory.events or a cgroup v1 memory.oom_control. */
export function oomKills(text: string): number {
  return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
}

async function removeWhenEmpty(dir: string): Promise<void> {
  const deadline = Date.now() + RELEASE_WAIT_MS;
  for (;;) {
    try {
      await fs.rmdir(dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

class MemoryWatcher implements MemoryLimit {
  private timer: NodeJS.Timeout | undefined;
  private over = false;

  constructor(
    private readonly memoryMb: number,
    private readonly sample: (pid: number) => Promise<number | undefined>,
  ) {}

  watch(pid: number | undefined, onExceeded: () => void): void {
    if (pid === undefined) return;
    const tick = async () => {
      const mb = await this.sample(pid).catch(() => undefined);
      if (this.timer === undefined) return; // released meanwhile
      if (mb !== undefined && mb > this.memoryMb) {
        this.over = true;
        return onExceeded();
      }
      this.timer = setTimeout(() => void tick(), WATCH_INTERVAL_MS);
    };
    this.timer = setTimeout(() => void tick(), WATCH_INTERVAL_MS);
  }

  async exceeded(): Promise<boolean> {
    return this.over;
  }

  async release(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Resident memory in MB of a process group, from `ps -A -o pgid=,rss=` (macOS and Linux alike; RSS in KiB). */
export function groupRssMb(psOutput: string, pgid: number): number | undefined {
  let kb: number | undefined;
  for (const line of psOutput.split('\n')) {
    const [group, rss] = line.trim().split(/\s+/).map(Number);
    if (group === pgid && Number.isFinite(rss)) kb = (kb ?? 0) + rss;
  }
  return kb === undefined ? undefined : kb / 1024;
}

function psGroupRssMb(pgid: number): Promise<number | undefined> {
  return new Promise((resolve) =>
    execFile('ps', ['-A', '-o', 'pgid=,rss='], { timeout: 5000 }, (err, stdout) =>
      resolve(err ? undefined : groupRssMb(stdout, pgid)),
    ),
  );
}

/**
 * Finds a cgroup folder where this endpoint may set a memory limit per environment: the cgroup v2 folder of
 * cleanup when the memory controller can be enabled in it, else the cgroup v1 memory hierarchy (hybrid hosts),
 * proved by creating a limited child there.
 */
export async function probeMemoryCgroup(v2Dir: string | undefined): Promise<MemoryProbe> {
  const reasons: string[] = [];
  if (v2Dir) {
    try {
      const controllers = await fs.readFile(join(v2Dir, 'cgroup.controllers'), 'utf8');
      if (!controllers.split(/\s+/).includes('memory'))
        throw new Error('the memory controller is not delegated to this cgroup v2 folder');
      await fs.writeFile(join(v2Dir, 'cgroup.subtree_control'), '+memory');
      return { v2: v2Dir };
    } catch (e) {
      reasons.push((e as Error).message.split('\n')[0]);
    }
  }
  try {
    const mount = cgroup1MemoryMount(await fs.readFile('/proc/self/mounts', 'utf8'));
    const own = /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(\/.*)$/m.exec(await fs.readFile('/proc/self/cgroup', 'utf8'))?.[1];
    if (!mount || !own) throw new Error('no cgroup v1 memory hierarchy');
    const base = join(mount, own);
    // A crashed endpoint's environments died with bubblewrap or were killed: their cgroups are empty and only removed.
    await removeStale(base, (child) => fs.rmdir(child).catch(() => undefined));
    const dir = join(base, `${OWN_PREFIX}${process.pid}`);
    await fs.mkdir(dir, { recursive: true });
    const trial = await createMemoryLimit({ kind: 'cgroup-v1', dir }, 128);
    await trial.release();
    return { v1: dir };
  } catch (e) {
    reasons.push((e as Error).message.split('\n')[0]);
  }
  return { why: reasons.join('; ') };
}

/** The mount point of the cgroup v1 memory controller in /proc/self/mounts. */
export function cgroup1MemoryMount(mounts: string): string | undefined {
  for (const line of mounts.split('\n')) {
    const [, mountPoint, type, options] = line.split(' ');
    if (type === 'cgroup' && mountPoint && options?.split(',').includes('memory'))
      return mountPoint.replace(/\\040/g, ' ');
  }
  return undefined;
}
