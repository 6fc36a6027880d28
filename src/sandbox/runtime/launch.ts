import { randomUUID } from 'node:crypto';
import { constants } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { killTree } from '../../util/processTree';
import { SANDBOX_PATHS, bwrapArgs, optLinks } from './bwrap';
import { EnvironmentCgroup } from './cgroup';
import { createMemoryLimit, type MemoryLimit } from './memory';
import type { Isolation } from './isolation';
import type { RuntimeLauncher } from './language';
import { INVOCATION_MARKER_VAR, sweepMarked } from './sweep';

export interface LaunchInput {
  isolation: Isolation;
  /** The language's interpreter and bootstrap (language.ts). */
  launcher: Pick<RuntimeLauncher, 'command' | 'installDirs' | 'binDir' | 'bootstrapFile'>;
  codeDir: string;
  optDir: string;
  memoryMb: number;
}

/** The folders as the handler sees them: Lambda's paths inside bubblewrap, the real folders without it. */
export interface VisiblePaths {
  task: string;
  opt: string;
  runtime: string;
  /** PATH before /opt/bin: the host's, or inside bubblewrap the interpreter's folder and the system's (as Lambda's /var/lang/bin:/usr/local/bin:/usr/bin/:/bin). */
  systemPath: string;
}

export interface Launch {
  command: string;
  args: string[];
  cwd: string;
  paths: VisiblePaths;
  /** Variables the cleanup mechanism needs in the handler's environment. */
  env: Record<string, string>;
  /** Stops every process of the environment (callable more than once); returns what it could not reach. */
  stop(pid: number | undefined): Promise<string[]>;
  /** The environment's memory limit (its cgroup, or the watcher to start once the child runs). */
  memory: MemoryLimit;
  /** Freezes the environment's processes between invocations and thaws them for the next (a no-op without a cgroup v2). */
  freeze(frozen: boolean): Promise<void>;
  /** Whether the child reports the interpreter's death by a signal as exit status 128 + n (bubblewrap does). */
  signalAsStatus: boolean;
}

/** How the interpreter ended, with bubblewrap's 128 + n turned back into the signal it stands for. */
export function interpreterExit(
  code: number | null,
  signal: NodeJS.Signals | null,
  signalAsStatus: boolean,
): { code: number | null; signal: NodeJS.Signals | null } {
  if (!signalAsStatus || code === null || code <= 128) return { code, signal };
  const name = Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0] as NodeJS.Signals | undefined;
  return name ? { code: null, signal: name } : { code, signal };
}

/**
 * A command that first moves itself into each cgroup (writing its pid to their cgroup.procs) and then becomes
 * `command`, so nothing the handler starts is outside them.
 */
export function joinCgroups(procsFiles: string[], command: string[]): string[] {
  if (procsFiles.length === 0) return command;
  const script =
    'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 126; shift; n=$((n - 1)); done; exec "$@"';
  return ['/bin/sh', '-c', script, 'sh', String(procsFiles.length), ...procsFiles, ...command];
}

/** How to start one environment's interpreter under the host's isolation, and how to end all it started. */
export async function prepareLaunch(i: LaunchInput): Promise<Launch> {
  const memory = await createMemoryLimit(i.isolation.memory, i.memoryMb);
  let cgroup: EnvironmentCgroup | undefined;
  try {
    cgroup = await environmentCgroup(i.isolation, memory);
    const base = await launchWithin(i, cgroup !== undefined);
    const joins = [...new Set([memory.procsFile, cgroup?.procsFile])].filter((f): f is string => f !== undefined);
    const [command, ...args] = joinCgroups(joins, [base.command, ...base.args]);
    // Freeze and thaw in the order asked: two writes racing on the thread pool could leave a busy environment frozen.
    let freezing = Promise.resolve();
    return {
      ...base,
      command,
      args,
      memory,
      freeze: (frozen) => (freezing = freezing.then(() => cgroup?.freeze(frozen))),
      stop: async (pid) => {
        const unreached = await base.stop(pid);
        if (cgroup) unreached.push(...(await cgroup.stop()));
        await memory.release();
        return unreached;
      },
    };
  } catch (e) {
    await cgroup?.stop().catch(() => undefined);
    await memory.release();
    throw e;
  }
}

/**
 * The environment's own cgroup v2 where the host has one (bubblewrap or not): frozen between invocations, as
 * Lambda freezes an idle environment, and killed as a whole. With a cgroup v2 memory limit it is that cgroup.
 */
async function environmentCgroup(isolation: Isolation, memory: MemoryLimit): Promise<EnvironmentCgroup | undefined> {
  if (!isolation.cgroupDir) return undefined;
  if (isolation.memory.kind === 'cgroup-v2' && memory.procsFile)
    return new EnvironmentCgroup(dirname(memory.procsFile));
  return EnvironmentCgroup.create(isolation.cgroupDir).catch(() => undefined);
}

async function launchWithin(i: LaunchInput, inCgroup: boolean): Promise<Omit<Launch, 'memory' | 'freeze'>> {
  const { isolation, launcher } = i;
  const host = {
    task: i.codeDir,
    opt: i.optDir,
    runtime: dirname(launcher.bootstrapFile),
    systemPath: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  };
  // The process group (the tree on Windows); the environment's cgroup, when there is one, takes the rest.
  const groupOnly = async (pid: number | undefined) => {
    killTree(pid, 'SIGKILL', isolation.platform);
    return [];
  };

  if (isolation.bwrap) {
    const args = bwrapArgs({
      codeDir: i.codeDir,
      optDir: i.optDir,
      optLinks: await optLinks(i.optDir),
      runtimeDir: host.runtime,
      installDirs: launcher.installDirs,
      hostRoot: isolation.hostRoot ?? {},
      command: launcher.command(join(SANDBOX_PATHS.runtime, basename(launcher.bootstrapFile))),
    });
    // Killing bwrap kills the namespace's init (--die-with-parent), and with it every process inside.
    const paths = { ...SANDBOX_PATHS, systemPath: `${launcher.binDir}:/usr/local/bin:/usr/bin:/bin` };
    return { command: 'bwrap', args, cwd: i.codeDir, paths, env: {}, stop: groupOnly, signalAsStatus: true };
  }
  const [command, ...args] = launcher.command(launcher.bootstrapFile);
  const direct = { command, args, cwd: i.codeDir, paths: host, env: {}, signalAsStatus: false };
  if (!inCgroup && (isolation.cleanup === 'cgroup' || isolation.cleanup === 'environ-sweep')) {
    const marker = randomUUID();
    return {
      ...direct,
      env: { [INVOCATION_MARKER_VAR]: marker },
      stop: async (pid) => {
        killTree(pid, 'SIGKILL', isolation.platform);
        return sweepMarked(marker);
      },
    };
  }
  return { ...direct, stop: groupOnly };
}
