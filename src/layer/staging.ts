import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../util/errors';
import type { Log } from '../util/log';

/**
 * Staging folders: `<root>/lambda-layer-<name>-XXXXXX/`, one per build, holding `python/` (the install) and
 * `owner.lock` (JSON: the build's pid and, once it runs, the installer's). A build removes its own folder when
 * it ends; a build that was killed cannot, so every build also sweeps the folders such builds left behind.
 */
const PREFIX = 'lambda-layer-';
const LOCK = 'owner.lock';
/** A folder must be this old before a sweep removes it, even with its owner gone (pids are only a hint). */
export const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;

export interface StagingOwner {
  pid: number;
  /** Process group of the installer (it runs in its own group). */
  installerPid?: number;
}

export interface Staging {
  dir: string;
  /** Records the installer's process group, so a later sweep can stop it if this build is killed. */
  recordInstaller(pid: number): Promise<void>;
}

export async function createStaging(root: string, fileBase: string): Promise<Staging> {
  const dir = await fs.mkdtemp(join(root, `${PREFIX}${fileBase}-`));
  const write = (owner: StagingOwner) => fs.writeFile(join(dir, LOCK), JSON.stringify(owner));
  await write({ pid: process.pid });
  return { dir, recordInstaller: (installerPid) => write({ pid: process.pid, installerPid }) };
}

export type Verdict = 'in-use' | 'too-recent' | 'remove';

/** What a sweep does with one folder: a live owner keeps it; otherwise it goes once it is a day old. */
export function stagingVerdict(
  owner: StagingOwner | undefined,
  ageMs: number,
  isAlive: (pid: number) => boolean,
): Verdict {
  if (owner && isAlive(owner.pid)) return 'in-use';
  return ageMs >= ABANDONED_AFTER_MS ? 'remove' : 'too-recent';
}

/** Whether a process exists (EPERM: it does, owned by someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SweepOptions {
  now?: number;
  isAlive?: (pid: number) => boolean;
  /** Stops a killed build's installer that still runs (default: by process group, when it is provably that installer). */
  stopInstaller?: (pid: number, stagingDir: string) => Promise<void>;
  log?: Log;
}

/**
 * Removes staging folders of builds that are gone: no live owner and older than a day. An installer whose
 * build is gone is stopped whatever the folder's age (it only fills a folder nobody will read). Never fails
 * the build: what cannot be removed is logged and left for the next sweep.
 */
export async function sweepAbandonedStaging(root: string, options: SweepOptions = {}): Promise<string[]> {
  const now = options.now ?? Date.now();
  const isAlive = options.isAlive ?? pidAlive;
  const stop = options.stopInstaller ?? stopOrphanInstaller;
  const removed: string[] = [];
  const names = await fs.readdir(root).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(PREFIX))) {
    const dir = join(root, name);
    try {
      const st = await fs.lstat(dir);
      if (!st.isDirectory()) continue;
      const owner = await readOwner(dir);
      const verdict = stagingVerdict(owner, now - st.mtimeMs, isAlive);
      if (verdict === 'in-use') continue;
      if (owner?.installerPid && isAlive(owner.installerPid)) await stop(owner.installerPid, dir);
      if (verdict === 'remove') {
        await fs.rm(dir, { recursive: true, force: true });
        removed.push(dir);
      }
    } catch (e) {
      options.log?.debug(`Could not sweep ${dir}: ${errorMessage(e)}`);
    }
  }
  return removed;
}

async function readOwner(dir: string): Promise<StagingOwner | undefined> {
  try {
    const owner = JSON.parse(await fs.readFile(join(dir, LOCK), 'utf8')) as StagingOwner;
    return Number.isInteger(owner.pid) && owner.pid > 0 ? owner : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SIGKILL to the installer's process group, only when the pid still names that installer: on Linux its
 * command line names the staging folder (--target). Elsewhere a reused pid cannot be told apart, so nothing
 * is killed there (the installer's guard stops it when its build dies, see installerGuard.ts).
 */
async function stopOrphanInstaller(pid: number, stagingDir: string): Promise<void> {
  const cmdline =
    process.platform === 'linux' ? await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '') : undefined;
  if (!isOrphanInstaller(process.platform, cmdline, stagingDir)) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Whether a live pid is still our installer: only Linux shows another process's command line (`/proc`), and
 * only one naming the staging folder is ours; elsewhere a reused pid cannot be told apart, so it never is.
 */
export function isOrphanInstaller(platform: NodeJS.Platform, cmdline: string | undefined, stagingDir: string): boolean {
  return platform === 'linux' && cmdline !== undefined && cmdline.split('\0').some((arg) => arg.startsWith(stagingDir));
}
