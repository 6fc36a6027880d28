import { probeBwrap, probeHostRoot, type HostRoot } from './bwrap';
import { probeCgroup } from './cgroup';
import { memoryNotice, planMemory, probeMemoryCgroup, type MemoryEnforcement, type MemoryProbe } from './memory';

/** What this machine offers, found once per process by trial runs (probeIsolation). */
export interface HostProbe {
  platform: NodeJS.Platform;
  /** Whether bubblewrap is installed and can create its namespaces here, or why not. */
  bwrap: { ok: true } | { ok: false; why: string };
  /** A cgroup v2 folder this process may create invocation cgroups under, or why there is none. */
  cgroup: { dir: string } | { why: string };
  /** The top-level system folders (/bin, /lib…) as bubblewrap has to recreate them. */
  hostRoot?: HostRoot;
  /** A cgroup folder that takes a memory limit per environment, or why there is none. */
  memory?: MemoryProbe;
}

/**
 * How handlers end, strongest first: bubblewrap's PID namespace (everything in it dies with it), a cgroup
 * v2 per environment (`cgroup.kill`), a sweep of /proc for the invocation's marker in the environment, the
 * process group (macOS), the process tree by parent links (Windows `taskkill /T`).
 */
export type Cleanup = 'pid-namespace' | 'cgroup' | 'environ-sweep' | 'process-group' | 'taskkill';

export interface Isolation {
  /** The platform every branch below was decided for (spawning and killing differ on Windows). */
  platform: NodeJS.Platform;
  /** Run handlers inside bubblewrap, seeing only /var/task, /opt, a private /tmp and the Python installation. */
  bwrap: boolean;
  cleanup: Cleanup;
  cgroupDir?: string;
  hostRoot?: HostRoot;
  /** How each environment's memory size is held. */
  memory: MemoryEnforcement;
  /** Lines for the endpoint's log, said once: what is isolated and what is not. */
  notices: string[];
}

/** The isolation a probe allows; pure, so each platform and each missing piece is unit-tested. */
export function planIsolation(p: HostProbe): Isolation {
  const probe = p.memory ?? { why: 'not probed' };
  const memory = planMemory(p.platform, probe);
  const plan = planCleanup(p);
  const notice = memoryNotice(memory, probe);
  return { platform: p.platform, ...plan, memory, notices: notice ? [...plan.notices, notice] : plan.notices };
}

function planCleanup(p: HostProbe): Omit<Isolation, 'platform' | 'memory'> {
  if (p.platform === 'win32') {
    return {
      bwrap: false,
      cleanup: 'taskkill',
      notices: [
        "Local handlers are not isolated from each other or from this machine (no sandbox for Windows): a handler can read other functions' code and the endpoint's data folder.",
        "A handler's processes are stopped by their parent links (taskkill /T); a process whose parent has already exited is not reached.",
      ],
    };
  }
  if (p.platform !== 'linux') {
    return {
      bwrap: false,
      cleanup: 'process-group',
      notices: [
        "Local handlers are not isolated from each other or from this machine (bubblewrap is Linux-only): a handler can read other functions' code and the endpoint's data folder.",
        "A handler's processes are stopped with its process group; one that starts its own session (setsid) can outlive the invocation.",
      ],
    };
  }
  const cgroupDir = 'dir' in p.cgroup ? p.cgroup.dir : undefined;
  if (p.bwrap.ok) {
    return {
      bwrap: true,
      cleanup: 'pid-namespace',
      cgroupDir,
      hostRoot: p.hostRoot,
      notices: [
        'Handlers run in bubblewrap: each sees only its /var/task, /opt, a private /tmp and the Python installation, and all its processes end with its execution environment.',
      ],
    };
  }
  const notices = [
    `Local handlers are not isolated from each other: ${p.bwrap.why}. A handler can read other functions' code and the endpoint's data folder.`,
  ];
  if ('dir' in p.cgroup) return { bwrap: false, cleanup: 'cgroup', cgroupDir: p.cgroup.dir, notices };
  notices.push(
    `A handler's processes are found by a marker in their environment (no usable cgroup v2: ${p.cgroup.why}); one that clears its environment and leaves its process group can outlive the invocation.`,
  );
  return { bwrap: false, cleanup: 'environ-sweep', notices };
}

let detected: Promise<Isolation> | undefined;

/** The isolation of this machine, probed once per process. */
export function hostIsolation(): Promise<Isolation> {
  detected ??= probeIsolation().then(planIsolation);
  return detected;
}

async function probeIsolation(): Promise<HostProbe> {
  const platform = process.platform;
  if (platform !== 'linux')
    return { platform, bwrap: { ok: false, why: 'bubblewrap is Linux-only' }, cgroup: { why: 'not Linux' } };
  const [bwrap, cgroup, hostRoot] = await Promise.all([probeBwrap(), probeCgroup(), probeHostRoot()]);
  const memory = await probeMemoryCgroup('dir' in cgroup ? cgroup.dir : undefined);
  return { platform, bwrap, cgroup, hostRoot, memory };
}
