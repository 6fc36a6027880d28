import { homedir } from 'node:os';
import { join, posix, win32 } from 'node:path';

/**
 * The per-user cache folder of the extension and the CLI, by the platform's convention:
 * %LOCALAPPDATA%\lambda-layers\Cache, ~/Library/Caches/lambda-layers, $XDG_CACHE_HOME/lambda-layers (~/.cache).
 */
export function userCacheDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  if (platform === 'win32')
    return win32.join(env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local'), 'lambda-layers', 'Cache');
  if (platform === 'darwin') return posix.join(home, 'Library', 'Caches', 'lambda-layers');
  const xdg =
    env.XDG_CACHE_HOME && posix.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : posix.join(home, '.cache');
  return posix.join(xdg, 'lambda-layers');
}

/** Where downloaded function and layer zips are kept (see ZipCache). */
export function zipCacheDir(): string {
  return join(userCacheDir(process.platform, process.env, homedir()), 'zips');
}
