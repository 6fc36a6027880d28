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

/**
 * yarn lockfiles are not followed yet (yarn 1 cannot install for another platform, yarn 2+ needs its own
 * settings and linker). Installing with npm instead would silently ignore the versions the user locked, so the
 * build stops and says how to get a lockfile npm reads.
 */
export function unsupportedLockfile(choice: LockfileChoice, folder: string): UserError {
  return new UserError(
    l10n.t(
      '{0} in {1} is a {2} lockfile, which layer builds do not follow yet. Create a package-lock.json with the same versions (for example "npm install --package-lock-only" in that folder) and build again; npm then installs exactly what it locks.',
      choice.lockfile ?? '',
      folder,
      choice.installer,
    ),
  );
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
