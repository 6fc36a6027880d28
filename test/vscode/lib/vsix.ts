// The VSIX as users get it: `npm run package` on a copy of the working tree (so the shared dist/ keeps its
// development build), then `code-server --install-extension` into a profile.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { baseArgs, ensureCodeServer } from './codeServer';
import { REPO_ROOT } from './paths';
import type { Profile } from './profile';

const exec = promisify(execFile);

/**
 * Copies the working tree (tracked and untracked files that .gitignore does not exclude: a clean checkout plus
 * local work) to `stage`, with node_modules linked rather than copied.
 */
export async function stageWorkingTree(stage: string, root = REPO_ROOT): Promise<void> {
  const { stdout } = await exec('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    maxBuffer: 64e6,
  });
  for (const file of stdout.split('\0').filter(Boolean)) {
    const from = path.join(root, file);
    // Tracked files deleted in the working tree are not part of it.
    if (
      !(await stat(from).then(
        (s) => s.isFile(),
        () => false,
      ))
    )
      continue;
    await mkdir(path.dirname(path.join(stage, file)), { recursive: true });
    await copyFile(from, path.join(stage, file));
  }
  await symlink(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
}

/** Runs the `package` script on a staged copy of the working tree in `workDir`; resolves to the VSIX path. */
export async function packageVsix(workDir: string): Promise<string> {
  const stage = await mkdtemp(path.join(workDir, 'stage-'));
  try {
    await stageWorkingTree(stage);
    const vsix = path.join(workDir, 'lambda-layers.vsix');
    await exec('npm', ['run', '--silent', 'package', '--', '-o', vsix], { cwd: stage, maxBuffer: 64e6 });
    return vsix;
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** Installs a VSIX into a profile as a user does (`--install-extension`); resolves to the installed folder. */
export async function installVsix(profile: Profile, vsix: string): Promise<string> {
  const before = new Set(await readdir(profile.extensionsDir));
  await exec(ensureCodeServer(), [...baseArgs(profile), '--install-extension', vsix], { timeout: 120_000 });
  const added = (await readdir(profile.extensionsDir)).filter(
    (name) => !before.has(name) && name.startsWith('lambda-layers.'),
  );
  if (added.length !== 1)
    throw new Error(`installing ${vsix} added ${added.length} extension folders to ${profile.extensionsDir}`);
  return path.join(profile.extensionsDir, added[0]);
}
