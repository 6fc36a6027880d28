import * as vscode from 'vscode';
import type { LambdaGateway } from '../../aws/types';
import type { Services } from '../../services';
import { checkStackSize, stackCheckWarnings, type StackChange, type StackCheck } from '../../stack/stackGuard';
import { withCancellableProgress } from '../cancellableProgress';
import { sharedZipCache } from './sharedZipCache';

/**
 * The shared size guard (src/stack/stackGuard.ts) for each change, under one cancellable progress notification.
 * Zips are read through the editor's zip cache, so a function checked before is not downloaded again.
 */
export function checkStacks(
  services: Services,
  changes: readonly StackChange[],
  gateway?: LambdaGateway,
): Promise<StackCheck[]> {
  const lambda = gateway ?? services.connection.require().lambda;
  return withCancellableProgress(
    vscode.l10n.t('Checking the size of function code and layers'),
    async (report, signal) => {
      const checks: StackCheck[] = [];
      for (const change of changes) {
        report(change.functionName);
        checks.push(await checkStackSize(lambda, change, { cache: sharedZipCache(), signal, log: services.log }));
      }
      return checks;
    },
  );
}

/** "function: message" for every check past 90 % of the limit (past the limit: Lambda would refuse it) or with layer-only ES module imports. */
export function stackWarnings(checks: readonly StackCheck[]): string[] {
  return checks.flatMap((c) => stackCheckWarnings(c).map((w) => vscode.l10n.t('{0}: {1}', c.functionName, w)));
}

/** Without a confirmation to show them in (automation), the warnings go to the log. */
export function logWarnings(services: Services, checks: readonly StackCheck[]): void {
  for (const w of stackWarnings(checks)) services.log.warn(w);
}
