import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors';

/**
 * Linux file systems that are views of the kernel, not storage (statfs f_type magic numbers, linux/magic.h):
 * writing a zip there fails in odd ways or blocks forever (an output path under /proc hung a build).
 */
const LINUX_VIRTUAL_FS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x1373: 'devtmpfs',
  0x1cd1: 'devpts',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0x64626720: 'debugfs',
  0x74726163: 'tracefs',
  0x73636673: 'securityfs',
  0xcafe4a11: 'bpf',
  0x62656570: 'configfs',
  0x6165676c: 'pstore',
  0x65735543: 'fusectl',
  0x19800202: 'mqueue',
  0x958458f6: 'hugetlbfs',
  0x42494e4d: 'binfmt_misc',
  0x6e736673: 'nsfs',
};

/** The kernel file system's name when `type` (statfs f_type) is one that cannot hold files; Linux only. */
export function virtualFileSystem(type: number, platform: NodeJS.Platform): string | undefined {
  return platform === 'linux' ? LINUX_VIRTUAL_FS[type >>> 0] : undefined;
}

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Makes sure `dir` can receive the zip before anything is installed: creates it if needed, then requires a
 * directory on a real file system where a probe file can be created and removed within a time limit.
 * `refusal` words the error for another kind of output (the reason in parentheses).
 */
export async function checkOutputDir(
  dir: string,
  platform: NodeJS.Platform = process.platform,
  timeoutMs = PROBE_TIMEOUT_MS,
  refusal = (reason: string) =>
    l10n.t('The output folder cannot hold the layer zip ({0}). Choose another folder: {1}', reason, dir),
): Promise<void> {
  const refuse = (reason: string) => new UserError(refusal(reason));
  await withTimeout(
    (async () => {
      try {
        await fs.mkdir(dir, { recursive: true });
      } catch (e) {
        // EEXIST: something that is not a folder is in the way (said below).
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
          throw refuse((e as NodeJS.ErrnoException).code ?? String(e));
      }
      const st = await fs.stat(dir);
      if (!st.isDirectory()) throw refuse(l10n.t('not a folder'));
      const kind = virtualFileSystem((await fs.statfs(dir)).type, platform);
      if (kind) throw refuse(l10n.t('{0} is a kernel file system, not storage', kind));
      const probe = join(dir, `.lambda-layers-probe-${randomBytes(6).toString('hex')}`);
      try {
        await fs.writeFile(probe, 'x', { flag: 'wx' });
        await fs.rm(probe);
      } catch (e) {
        await fs.rm(probe, { force: true }).catch(() => undefined);
        throw refuse((e as NodeJS.ErrnoException).code ?? String(e));
      }
    })(),
    timeoutMs,
    () => refuse(l10n.t('a test file could not be written there within {0} seconds', Math.round(timeoutMs / 1000))),
  );
}

/** `work`, or the timeout's error when it takes longer (a hung file system call cannot be aborted, only abandoned). */
async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
