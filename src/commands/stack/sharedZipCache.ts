import { zipCacheDir } from '../../stack/cacheDir';
import { ZipCache } from '../../stack/zipCache';

let cache: ZipCache | undefined;

/** One zip cache for the editor session (the same folder the CLI uses), so concurrent reads of a zip share one download. */
export function sharedZipCache(): ZipCache {
  return (cache ??= new ZipCache(zipCacheDir()));
}
