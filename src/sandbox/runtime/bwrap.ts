import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Where a handler finds its folders inside bubblewrap: Lambda's own paths. */
export const SANDBOX_PATHS = { task: '/var/task', opt: '/opt', runtime: '/var/runtime' } as const;

/** Top-level system folders: a symlink (merged /usr: `bin -> usr/bin`) is recreated, a real folder bound read-only. */
export type HostRoot = Record<string, { symlink: string } | 'dir'>;

const ROOT_ENTRIES = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];
/** What libc, Python and TLS clients read from /etc (names, DNS, certificates, time zone); nothing else of the host's /etc. */
const ETC_ENTRIES = [
  'resolv.conf',
  'hosts',
  'host.conf',
  'nsswitch.conf',
  'gai.conf',
  'services',
  'protocols',
  'localtime',
  'passwd',
  'group',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'ssl',
  'ca-certificates',
  'pki',
  'crypto-policies',
  'alternatives',
  'mime.types',
];
/**
 * Namespaces and privileges. The network stays shared (Lambda handlers have network); capabilities are
 * dropped so a handler running as root cannot remount its read-only folders; the PID namespace takes every
 * process of the invocation down with it, and --die-with-parent with the endpoint.
 */
const FLAGS = ['--die-with-parent', '--unshare-pid', '--unshare-ipc', '--new-session', '--cap-drop', 'ALL'];

export interface BwrapInput {
  codeDir: string;
  optDir: string;
  /** Symlinks at the top of optDir and their absolute targets (local invoke links a build's staging folder as /opt/python). */
  optLinks: Array<{ name: string; target: string }>;
  /** The folder holding the bootstrap (bootstrap.py, bootstrap.cjs); mounted as /var/runtime. */
  runtimeDir: string;
  /** The interpreter's installation (Python's sys.base_prefix, Node's prefix) and its executable's folder, bound at their own paths. */
  installDirs: string[];
  hostRoot: HostRoot;
  /** The command to run inside, with paths as the handler sees them. */
  command: string[];
}

/** bubblewrap's arguments for one invocation. */
export function bwrapArgs(i: BwrapInput): string[] {
  const args = [...FLAGS, '--ro-bind', '/usr', '/usr'];
  for (const name of ROOT_ENTRIES) {
    const entry = i.hostRoot[name];
    if (entry === 'dir') args.push('--ro-bind', `/${name}`, `/${name}`);
    else if (entry) args.push('--symlink', entry.symlink, `/${name}`);
  }
  for (const name of ETC_ENTRIES) args.push('--ro-bind-try', `/etc/${name}`, `/etc/${name}`);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  for (const dir of i.installDirs.filter((d) => !d.startsWith('/usr/'))) args.push('--ro-bind', dir, dir);
  args.push('--ro-bind', i.codeDir, SANDBOX_PATHS.task, '--ro-bind', i.optDir, SANDBOX_PATHS.opt);
  // Bound at their own path, so the symlink in /opt resolves (mounting over a symlink would follow it).
  for (const link of i.optLinks) args.push('--ro-bind', link.target, link.target);
  args.push('--ro-bind', i.runtimeDir, SANDBOX_PATHS.runtime, '--chdir', SANDBOX_PATHS.task, '--', ...i.command);
  return args;
}

/** Symlinks at the top of optDir that point outside it, which would dangle inside the sandbox. */
export async function optLinks(optDir: string): Promise<BwrapInput['optLinks']> {
  const entries = await fs.readdir(optDir, { withFileTypes: true }).catch(() => []);
  const links: BwrapInput['optLinks'] = [];
  for (const e of entries.filter((x) => x.isSymbolicLink())) {
    const target = await fs.readlink(join(optDir, e.name));
    links.push({ name: e.name, target: isAbsolute(target) ? target : join(optDir, target) });
  }
  return links;
}

export async function probeHostRoot(): Promise<HostRoot> {
  const root: HostRoot = {};
  for (const name of ROOT_ENTRIES) {
    const st = await fs.lstat(`/${name}`).catch(() => undefined);
    if (st?.isSymbolicLink()) root[name] = { symlink: await fs.readlink(`/${name}`) };
    else if (st?.isDirectory()) root[name] = 'dir';
  }
  return root;
}

/** A trial run with the flags every invocation uses: bwrap may be installed and still fail in a container without user namespaces. */
export function probeBwrap(): Promise<{ ok: true } | { ok: false; why: string }> {
  // Not process.execPath: inside VS Code that is the editor itself.
  const trial = [
    ...FLAGS,
    '--ro-bind',
    '/',
    '/',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--tmpfs',
    '/tmp',
    '--',
    '/bin/sh',
    '-c',
    'exit 0',
  ];
  return new Promise((resolve) => {
    execFile('bwrap', trial, { timeout: 10_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve({ ok: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return resolve({
          ok: false,
          why: 'bubblewrap (bwrap) is not installed; on Debian or Ubuntu: apt-get install bubblewrap',
        });
      const detail = String(stderr).trim().split('\n')[0] || err.message;
      resolve({ ok: false, why: `bubblewrap is installed but cannot create its sandbox here (${detail})` });
    });
  });
}
