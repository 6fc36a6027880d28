import * as l10n from '@vscode/l10n';
import type { QuarantinedFile } from './store/quarantine';

/** The one warning the editor shows after a start of the local endpoint that set damaged records aside; none otherwise. */
export function quarantineNotice(quarantined: readonly QuarantinedFile[], folder: string): string | undefined {
  if (quarantined.length === 0) return undefined;
  return quarantined.length === 1
    ? l10n.t(
        'The local endpoint could not read 1 stored record ({0}: {1}) and set it aside in {2}. It runs without it: repair the file and move it back, or delete it.',
        quarantined[0].path,
        quarantined[0].reason,
        folder,
      )
    : l10n.t(
        'The local endpoint could not read {0} stored records and set them aside in {1}. It runs without them: repair a file and move it back, or delete it. The log names each one.',
        quarantined.length,
        folder,
      );
}
