import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/** Marks a cached file as just used (eviction goes by modification time); false when it is not there. */
export async function touch(path: string): Promise<boolean> {
  const now = new Date();
  return fs.utimes(path, now, now).then(
    () => true,
    () => false,
  );
}

/**
 * Removes the least recently used files (by modification time, see `touch`) of `dirs` whose names match until
 * their total fits `maxBytes`; files in `keep` stay. `onRemove` removes a file's companions too.
 */
export async function evictLeastRecentlyUsed(
  dirs: string[],
  matches: (name: string) => boolean,
  maxBytes: number,
  keep: ReadonlySet<string> = new Set(),
  onRemove?: (path: string) => Promise<void>,
): Promise<number> {
  const files: { path: string; st: import('node:fs').Stats }[] = [];
  for (const dir of dirs) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const n of names.filter(matches)) {
      const st = await fs.stat(join(dir, n)).catch(() => undefined);
      if (st?.isFile()) files.push({ path: join(dir, n), st });
    }
  }
  files.sort((a, b) => a.st.mtimeMs - b.st.mtimeMs);
  let total = files.reduce((sum, f) => sum + f.st.size, 0);
  let removed = 0;
  for (const f of files) {
    if (total <= maxBytes) break;
    if (keep.has(f.path)) continue;
    await fs.rm(f.path, { force: true });
    await onRemove?.(f.path);
    total -= f.st.size;
    removed++;
  }
  return removed;
}
