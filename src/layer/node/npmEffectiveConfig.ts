import * as l10n from '@vscode/l10n';
import { join } from 'node:path';
import { runProcess } from '../processes';
import { fetchSettings, type Config, type FetchSettings, type NpmrcFile } from './fetchSettings';
import { readOptional } from './npmConfig';
import { npmInvocation } from './npmArgs';

/**
 * npm's settings for fetching in the project's folder: `npm config list --json` (npm itself ranks variables,
 * npmrc files and defaults, so nothing here guesses where the global npmrc lives), then the credentials from the
 * project's, user's and global npmrc, which that list hides.
 */
export async function npmFetchSettings(
  projectDir: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<FetchSettings | { npmNeeded: string }> {
  const stdout: string[] = [];
  const result = await runProcess(...npmInvocation(process.platform, ['config', 'list', '--json'], env), {
    cwd: projectDir,
    env,
    signal,
    onLine: (line, stream) => stream === 'stdout' && stdout.push(line),
  });
  let config: Config;
  try {
    if (result.code !== 0) throw new Error(`exit code ${result.code}`);
    config = JSON.parse(stdout.join('\n')) as Config;
  } catch {
    return { npmNeeded: l10n.t('"npm config list" did not answer') };
  }
  const paths = [
    join(projectDir, '.npmrc'),
    typeof config.userconfig === 'string' ? config.userconfig : '',
    typeof config.globalconfig === 'string' ? config.globalconfig : '',
  ].filter(Boolean);
  const npmrcs: NpmrcFile[] = [];
  for (const path of paths) {
    const text = await readOptional(path);
    if (text !== undefined) npmrcs.push({ path, text });
  }
  const caFile = typeof config.cafile === 'string' && config.cafile ? await readOptional(config.cafile) : undefined;
  return fetchSettings(config, npmrcs, env, caFile);
}
