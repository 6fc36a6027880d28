import * as l10n from '@vscode/l10n';
import { dirname } from 'node:path';
import { UserError, errorMessage } from '../util/errors';
import type { Log } from '../util/log';
import { redactUrl, type PackageSource } from './indexes';
import { guardedCommand } from './installerGuard';
import { installFailure } from './installFailure';
import type { Installer } from './installer';
import { runProcess } from './processes';
import type { PythonInfo } from './python';
import type { PythonTarget } from './runtimes';
import type { Staging } from './staging';

/** What every run of the installer (resolve, download, install) shares. */
export interface InstallerRun {
  installer: Installer;
  python: PythonInfo;
  target: PythonTarget;
  staging: Staging;
  /** The root requirements file, absolute: the installer runs in its folder. */
  requirementsPath: string;
  /** Where pip looks, and the layer's name: for explaining a failure. */
  sources: readonly PackageSource[];
  layerName: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  log: Log;
  /** The installer's output lines worth showing as progress ("Collecting …"). */
  onProgressLine?: (line: string) => void;
  onInstallerSpawn?: (pid: number) => void;
}

/**
 * Runs pip (`python -m pip args`) or uv (`uvPath args`) under the guard that ends it with the build, logging
 * its output; a failure becomes the UserError that says why (unreachable index, no matching wheel, …).
 */
export async function runInstaller(
  run: InstallerRun,
  args: string[],
  options: { uv?: { path: string; env: NodeJS.ProcessEnv }; doneAfter?: (line: string) => boolean } = {},
): Promise<string> {
  const { log } = run;
  const { uv } = options;
  const env = uv?.env ?? { ...run.env, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
  const [command, fullArgs] = uv ? [uv.path, args] : [run.python.executable, ['-m', 'pip', ...args]];
  log.info(`${command} ${fullArgs.map(redactUrl).join(' ')}`);
  const result = await runProcess(...guardedCommand(run.python.executable, command, fullArgs, process.platform), {
    cwd: dirname(run.requirementsPath),
    env,
    signal: run.signal,
    doneAfter: options.doneAfter,
    onSpawn: (pid) => {
      run.onInstallerSpawn?.(pid);
      run.staging
        .recordInstaller(pid)
        .catch((e: unknown) => log.debug(`Could not record the installer in ${run.staging.dir}: ${errorMessage(e)}`));
    },
    onLine: (line) => {
      log.info(line);
      if (
        /^\s*(Collecting|Processing|Downloading|Installing collected|Resolved|Prepared|Installed|Would install|Saved)/.test(
          line,
        )
      )
        run.onProgressLine?.(line.trim());
    },
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new UserError(l10n.t('Could not start {0} ({1}).', run.installer, command));
    throw e;
  });
  if (result.code !== 0) throw await installFailure({ ...run, output: result.output });
  return result.output;
}
