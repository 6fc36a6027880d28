import * as vscode from 'vscode';
import type { LambdaGateway } from '../../aws/types';
import type { Services } from '../../services';
import { compareVersionChange, type VersionChange } from '../../stack/compare';
import { CancelledError } from '../../util/errors';
import { withCancellableProgress } from '../cancellableProgress';
import { shortLayerName } from '../layers/layerVersionTarget';
import { pickOne } from '../prompts';
import { sharedZipCache } from './sharedZipCache';

export interface ChangeConfirmation {
  message: string;
  detail: string;
  /** The button that goes ahead ("Attach", "Update"). */
  action: string;
  severity: 'info' | 'warning';
  /** Version changes the user may compare first; none: a plain confirmation. */
  changes: readonly VersionChange[];
  /** The connection a change's versions are read through (rollout: each region's); default the current one. */
  gatewayFor?: (change: VersionChange) => LambdaGateway;
}

/**
 * A modal confirmation before a layer change that offers "Compare Versions…" when the change moves functions
 * from one layer version to another: the comparison opens in its panel and the question comes back, until the
 * user goes ahead (returns) or cancels (throws `CancelledError`, silent). For attach, update and rollout.
 */
export async function confirmChange(services: Services, c: ChangeConfirmation): Promise<void> {
  const compare = vscode.l10n.t('Compare Versions…');
  const buttons = c.changes.length > 0 ? [c.action, compare] : [c.action];
  const show = c.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  for (;;) {
    const answer = await show(c.message, { modal: true, detail: c.detail }, ...buttons);
    if (answer === c.action) return;
    if (answer !== compare) throw new CancelledError();
    const change = await pickChange(c.changes);
    if (change) await showVersionChange(services, change, c.gatewayFor?.(change));
  }
}

/** Compares the two versions of a change and shows the comparison panel. */
export async function showVersionChange(
  services: Services,
  change: VersionChange,
  gateway?: LambdaGateway,
): Promise<void> {
  const lambda = gateway ?? services.connection.require().lambda;
  const comparison = await withCancellableProgress(vscode.l10n.t('Comparing layer versions'), (report, signal) =>
    compareVersionChange(change, () => lambda, { cache: sharedZipCache(), signal, onProgress: report }),
  );
  services.stackPanels.showComparison(comparison);
}

/** The one change, or the one picked among several (e.g. functions on different older versions); undefined: back to the question. */
async function pickChange(changes: readonly VersionChange[]): Promise<VersionChange | undefined> {
  if (changes.length === 1) return changes[0];
  try {
    const picked = await pickOne({
      title: vscode.l10n.t('Compare Versions…'),
      placeholder: vscode.l10n.t('Select the version change to compare'),
      items: changes.map((change) => ({
        label: `${shortLayerName(change.from)} → ${shortLayerName(change.to)}`,
        change,
      })),
    });
    return picked.change;
  } catch (e) {
    if (e instanceof CancelledError) return undefined;
    throw e;
  }
}
