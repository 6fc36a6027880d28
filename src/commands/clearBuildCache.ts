import * as vscode from 'vscode';
import { BuildCache, defaultBuildCacheDir } from '../layer/buildCache';
import { formatBytes } from '../util/format';
import type { Services } from '../services';
import { buildCacheDirectorySetting } from '../vscode/buildSettings';

/** Removes the wheels and bytecode builds keep; the next build fetches and compiles again. Built zips stay. */
export async function clearBuildCache(services: Services): Promise<void> {
  const cache = new BuildCache(buildCacheDirectorySetting() ?? defaultBuildCacheDir());
  const freed = await cache.clear();
  services.log.info(`Cleared the build cache ${cache.dir} (${freed} bytes).`);
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Build cache cleared: {0} freed in {1}.', formatBytes(freed), cache.dir),
  );
}
