import type { Log } from '../util/log';
import type { StagedLayer } from './content';
import type { PackageSource } from './indexes';
import type { Installer } from './installer';
import type { NodeInstaller } from './node/lockfile';
import type { Staging } from './staging';

/** Percent of a build a step adds; the stager's install share is `SHARE.install`. */
export const SHARE = { prepare: 5, install: 45, bytecode: 10, scan: 5, zip: 30, finish: 5 };

export interface StageProgress {
  message: string;
  /** Percent of the whole build this step adds (the increments of one build add up to 100). */
  increment?: number;
}

export interface StageContext {
  staging: Staging;
  signal?: AbortSignal;
  log: Log;
  progress: (p: StageProgress) => void;
  /** The installer's process id once it runs. */
  onInstallerSpawn?: (pid: number) => void;
}

/**
 * One language's part of a build, made from the source file (requirements.txt, package.json) before anything is
 * installed. The build around it is the same for every language: reuse, staging folder, size limit,
 * compatibility scan, deterministic zip, manifest.
 */
export interface Stager {
  /** Where the packages come from: "pypi" (pip, uv) or "npm" (npm, pnpm, yarn). */
  ecosystem: 'pypi' | 'npm';
  installer: Installer | NodeInstaller;
  /** Everything that can change the zip, hashed: equal keys reuse the previous zip. */
  cacheKey: string;
  sources: PackageSource[];
  /** The log line of a reused build. */
  reuseMessage(zipPath: string, builtAt: string): string;
  /** Checks that may start processes (interpreter, installer), before the staging folder exists. */
  prepare(signal?: AbortSignal): Promise<void>;
  /** Installs into the staging folder (or plans the zip from cached archives); adds `SHARE.install`. */
  stage(context: StageContext): Promise<StagedLayer>;
  /** What to do when the scan finds files that will not load on the target. */
  incompatibleHint: string;
  /** After the zip is in place (trims caches); never fails the build. */
  finish(staged: StagedLayer, log: Log): Promise<void>;
}
