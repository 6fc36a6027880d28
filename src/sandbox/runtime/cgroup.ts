import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/** Names this endpoint's cgroup folders `lambda-layers-<pid>`, so a later start can tell a crashed endpoint's. */
export const OWN_PREFIX = 'lambda-layers-';
const STOP_WAIT_MS = 2000;

/** The cgroup v2 mount point in /proc/self/mounts (`/sys/fs/cgroup`, or `/sys/fs/cgroup/unified` on hybrid hosts). */
export function cgroup2Mount(mounts: string): string | undefined {
  for (const line of mounts.split('\n')) {
    const [, mountPoint, type] = line.split(' ');
    if (type === 'cgroup2' && mountPoint) return mountPoint.replace(/\\040/g, ' ');
  }
  return undefined;
}

/** This process's cgroup v2 path from /proc/self/cgroup (the `0::` line). */
export function ownCgroupPath(cgroup: string): string | undefined {
  return /^0::(\/.*)$/m.exec(cgroup)?.[1];
}

/**
 * Finds a cgroup v2 folder where this endpoint may create one cgroup per execution environment, proved by a trial
 * (a shell moves itself into a fresh cgroup). Cgroups that a crashed endpoint left behind are emptied on the way.
 */
export async function probeCgroup(): Promise<{ dir: string } | { why: string }> {
  try {
    const mount = cgroup2Mount(await fs.readFile('/proc/self/mounts', 'utf8'));
    const own = ownCgroupPath(await fs.readFile('/proc/self/cgroup', 'utf8'));
    if (!mount || !own) return { why: 'no cgroup v2 hierarchy is mounted' };
    const base = join(mount, own);
    await removeStale(base, (child) => new EnvironmentCgroup(child).stop());
    const dir = join(base, `${OWN_PREFIX}${process.pid}`);
    await fs.mkdir(dir, { recursive: true });
    await fs.access(join(dir, 'cgroup.kill')); // Linux 5.14+
    const trial = await EnvironmentCgroup.create(dir);
    await new Promise<void>((resolve, reject) =>
      execFile('/bin/sh', ['-c', 'echo $$ > "$0"', trial.procsFile], { timeout: 5000 }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    const unreached = await trial.stop();
    if (unreached.length > 0) return { why: unreached.join('; ') };
    return { dir };
  } catch (e) {
    return { why: `${(e as Error).message.split('\n')[0]}` };
  }
}

/** Removes the `lambda-layers-<pid>` folders of endpoints that are gone, each child cgroup through `cleanChild` first. */
export async function removeStale(base: string, cleanChild: (dir: string) => Promise<unknown>): Promise<void> {
  for (const name of await fs.readdir(base).catch(() => [] as string[])) {
    const pid = Number(name.slice(OWN_PREFIX.length));
    if (!name.startsWith(OWN_PREFIX) || !Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    const dir = join(base, name);
    for (const child of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (child.isDirectory()) await cleanChild(join(dir, child.name));
    }
    await fs.rmdir(dir).catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One execution environment's cgroup: every process the handler starts stays in it, daemons included, until `stop`. */
export class EnvironmentCgroup {
  constructor(private readonly dir: string) {}

  static async create(parent: string): Promise<EnvironmentCgroup> {
    const dir = join(parent, `inv-${randomBytes(8).toString('hex')}`);
    await fs.mkdir(dir);
    return new EnvironmentCgroup(dir);
  }

  /** A child writes its own pid here before it execs the handler's interpreter. */
  get procsFile(): string {
    return join(this.dir, 'cgroup.procs');
  }

  /** Freezes or thaws every process in it (cgroup.freeze, Linux 5.2+; older kernels simply do not freeze). */
  async freeze(frozen: boolean): Promise<void> {
    await fs.writeFile(join(this.dir, 'cgroup.freeze'), frozen ? '1' : '0').catch(() => undefined);
  }

  /** Kills everything in the cgroup and removes it; returns what could not be stopped. */
  async stop(): Promise<string[]> {
    try {
      await fs.writeFile(join(this.dir, 'cgroup.kill'), '1');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []; // already stopped and removed
      throw e;
    }
    const deadline = Date.now() + STOP_WAIT_MS;
    while (
      /populated 1/.test(await fs.readFile(join(this.dir, 'cgroup.events'), 'utf8').catch(() => '')) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    try {
      await fs.rmdir(this.dir);
      return [];
    } catch {
      const pids = (await fs.readFile(this.procsFile, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
      return [`processes ${pids.join(', ') || '(unknown)'} in ${this.dir} did not stop within ${STOP_WAIT_MS} ms`];
    }
  }
}
