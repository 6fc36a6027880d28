import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, basename } from 'node:path';

/** `.<target name>.<12 hex>.tmp`: the sibling temp files writeFileAtomic writes; nothing else has this shape. */
const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/;

export function isAtomicTempFile(name: string): boolean {
  return TEMP_FILE.test(name);
}

/**
 * Writes a file so readers see either the old or the new content, never a torn one:
 * write a sibling temp file, fsync it, rename over the target, fsync the folder.
 * A failed write (a full disk, say) removes its temp file, so it leaves nothing behind.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  platform: NodeJS.Platform = process.platform,
): Promise<void> {
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  await fs.mkdir(dirname(target), { recursive: true });
  await writeThenRename(
    tmp,
    target,
    async () => {
      const handle = await fs.open(tmp, 'w', 0o644);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    platform,
  );
}

/**
 * Runs `write` (which fills `temp`), then renames `temp` over `target`. If anything fails, `temp` is removed
 * and `target` keeps what it had: the one shape of every writer that must never leave a torn file.
 */
export async function writeThenRename(
  temp: string,
  target: string,
  write: () => Promise<unknown>,
  platform: NodeJS.Platform = process.platform,
): Promise<void> {
  try {
    await write();
    await renameAtomic(temp, target, platform);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
}

/** Moves a finished temp file into place atomically (same file system) and makes the rename durable. */
export async function renameAtomic(
  from: string,
  to: string,
  platform: NodeJS.Platform = process.platform,
): Promise<void> {
  await fs.mkdir(dirname(to), { recursive: true });
  await fs.rename(from, to);
  await syncDir(dirname(to), platform);
}

/**
 * Whether a folder can be fsynced to make a rename in it durable. Windows cannot open a folder for
 * that (EPERM/EISDIR) and makes renames durable itself (NTFS journals metadata).
 */
export function syncsFolders(platform: NodeJS.Platform): boolean {
  return platform !== 'win32';
}

/** Errors of a folder fsync that only mean the file system does not support it (some network and FUSE mounts). */
export function isUnsupportedFolderSync(code: string | undefined): boolean {
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'ENOTSUP';
}

async function syncDir(dir: string, platform: NodeJS.Platform): Promise<void> {
  if (!syncsFolders(platform)) return;
  try {
    const h = await fs.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch (e) {
    if (!isUnsupportedFolderSync((e as NodeJS.ErrnoException).code)) throw e;
  }
}
