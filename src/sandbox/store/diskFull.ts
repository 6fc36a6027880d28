import { writeFileAtomic } from '../../util/fsAtomic';
import type { Log } from '../../util/log';
import { ApiError } from '../wire';

/** How the store writes a file: atomically; tests pass one that fails. */
export type WriteFile = (path: string, data: string | Uint8Array) => Promise<void>;

export function isDiskFull(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

const diskFullError = () =>
  new ApiError(
    500,
    'ServiceException',
    "No space left on the endpoint's data folder: nothing was stored. Free disk space there (or delete layer versions and functions you no longer need) and send the request again.",
  );

/**
 * The store's writes: a full disk (or quota) answers the request with `diskFullError` and says where in the
 * log. The failed write has already removed its temp file; callers release what the request stored before.
 */
export function diskAwareWrite(dataDir: string, log: Log, write: WriteFile = writeFileAtomic): WriteFile {
  return async (path, data) => {
    try {
      await write(path, data);
    } catch (e) {
      if (!isDiskFull(e)) throw e;
      log.warn(
        `No space left on the disk of the data folder ${dataDir} (${(e as NodeJS.ErrnoException).code}); the request was refused, nothing was stored.`,
      );
      throw diskFullError();
    }
  };
}
