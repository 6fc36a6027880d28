import * as l10n from '@vscode/l10n';
import { UserError } from '../../util/errors';

export type NodeInstaller = 'npm' | 'pnpm' | 'yarn';

/** Lockfiles in the order npm and the other tools would honour them (npm's shrinkwrap wins over its lock). */
export const LOCKFILES: readonly { file: string; installer: NodeInstaller }[] = [
  { file: 'npm-shrinkwrap.json', installer: 'npm' },
  { file: 'package-lock.json', installer: 'npm' },
  { file: 'pnpm-lock.yaml', installer: 'pnpm' },
  { file: 'yarn.lock', installer: 'yarn' },
];

export interface LockfileChoice {
  installer: NodeInstaller;
  /** The lockfile the install follows; none: npm resolves from package.json. */
  lockfile?: string;
}

/** Which tool installs, from the lockfiles next to package.json (`present`: their file names). */
export function chooseLockfile(present: readonly string[]): LockfileChoice {
  const found = LOCKFILES.find((l) => present.includes(l.file));
  return found ? { installer: found.installer, lockfile: found.file } : { installer: 'npm' };
}

/** pnpm-lock.yaml is followed with pnpm, which must be on PATH (npm would ignore the lock). */
export function missingPnpm(choice: LockfileChoice, folder: string): UserError {
  return new UserError(
    l10n.t(
      '{0} in {1} is a pnpm lockfile, and pnpm is not on PATH. Install pnpm 10 or later ("npm install -g pnpm") and build again, or create a package-lock.json with the same versions to build with npm.',
      choice.lockfile ?? '',
      folder,
    ),
  );
}

/** yarn.lock is followed with Yarn, which must be on PATH (npm would ignore the lock). */
export function missingYarn(choice: LockfileChoice, folder: string): UserError {
  return new UserError(
    l10n.t(
      '{0} in {1} is a yarn lockfile, and yarn is not on PATH. Install Yarn ("corepack enable", or "npm install -g yarn") and build again, or create a package-lock.json with the same versions ("npm install --package-lock-only" in that folder) to build with npm.',
      choice.lockfile ?? '',
      folder,
    ),
  );
}
