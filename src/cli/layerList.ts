import * as l10n from '@vscode/l10n';
import type { MutateResult } from '../ops/mutateLayers';

/** What a Ctrl+C before the change was sent leaves behind. */
export const CANCELLED_UNCHANGED = (): string => l10n.t('Cancelled, nothing changed.');

/**
 * Prints the function's layer list after attach/detach on stdout. A Ctrl+C that came after Lambda accepted the
 * change cannot undo it: stderr says so, and the list printed is the one the function now has.
 */
export function printLayerList(functionName: string, result: MutateResult): void {
  if (result.kind === 'updated' && result.cancelledWhileApplying) {
    process.stderr.write(
      `${l10n.t('The change to {0} was applied: Lambda had accepted it before the cancel, which came while it was finishing the update. Its layers are now:', functionName)}\n`,
    );
  }
  const layers = result.kind === 'updated' ? result.after : result.layers;
  process.stdout.write(layers.map((l) => `${l}\n`).join(''));
}
