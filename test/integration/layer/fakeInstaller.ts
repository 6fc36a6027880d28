/** Stand-ins for the Python that runs the installer, and waits on the processes they start. */
import { readFileSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';

/**
 * Writes an executable "python" that answers the build's version probe like Python 3.11 with pip 23.2, runs
 * the installer guard with the real Python (so the guard is the one a build uses), and otherwise, as the
 * installer, runs `install` (shell lines; "$@" holds the pip arguments, --target among them).
 */
export async function fakePython(path: string, install: string[]): Promise<string> {
  await writeFile(
    path,
    [
      '#!/bin/sh',
      'if [ "$1" = "-c" ]; then printf "3 11\\n%s\\ncpython-311-a70d0d0a\\n23.2\\n" "$0"; exit 0; fi',
      'if [ "$1" = "-I" ]; then exec python3 "$@"; fi',
      ...install,
    ].join('\n'),
  );
  await chmod(path, 0o755);
  return path;
}

/** Gone, or a zombie waiting to be reaped (it runs nothing any more). */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return / Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^\d+ \(.*\)/, ''));
  } catch {
    return true;
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
