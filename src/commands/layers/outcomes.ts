import * as vscode from 'vscode';
import type { MutateProgress } from '../../ops/mutateLayers';
import type { FunctionOutcome } from '../../ops/outcomes';
import type { Services } from '../../services';
import { errorMessage } from '../../util/errors';
import type { ReportProgress } from '../cancellableProgress';
import { shortLayerName } from './layerVersionTarget';

/** One phase of `mutateFunctionLayers`, as the progress notification says it. */
export function phaseText(p: MutateProgress): string {
  switch (p.phase) {
    case 'reading':
      return p.attempt > 1
        ? vscode.l10n.t('reading the configuration again (attempt {0})', p.attempt)
        : vscode.l10n.t('reading the configuration');
    case 'updating':
      return vscode.l10n.t('updating the layers');
    case 'retrying':
      return p.reason === 'revision-changed'
        ? vscode.l10n.t('changed by someone else meanwhile; applying the change again')
        : vscode.l10n.t('another update is in progress; waiting for it');
    case 'waiting':
      return p.elapsedMs >= 1000
        ? vscode.l10n.t('waiting for Lambda to apply the change ({0} s)', Math.round(p.elapsedMs / 1000))
        : vscode.l10n.t('waiting for Lambda to apply the change');
    case 'done':
      return vscode.l10n.t('done');
  }
}

/** Progress of a many-function engine: "fn (2/5): phase"; the bar moves as each function is finished. */
export function perFunctionProgress(
  report: ReportProgress,
): (name: string, index: number, total: number, p: MutateProgress) => void {
  let finished = 0;
  return (name, index, total, p) => {
    const nowFinished = p.phase === 'done' ? index + 1 : index;
    const increment = nowFinished > finished ? ((nowFinished - finished) * 100) / total : undefined;
    finished = Math.max(finished, nowFinished);
    report(vscode.l10n.t('{0} ({1}/{2}): {3}', name, index + 1, total, phaseText(p)), increment);
  };
}

/** A button for what usually comes next, e.g. Test Invoke after attaching to one function. */
export interface NextStep {
  title: string;
  run(): unknown;
}

/** "Test Invoke" on `functionName`: the usual next step after its layers changed. */
export function testInvokeStep(functionName: string): NextStep {
  return {
    title: vscode.l10n.t('Test Invoke'),
    run: () => vscode.commands.executeCommand('lambdaLayers.invokeFunction', functionName),
  };
}

/** A success notification (not awaited) with the next step as its button. */
export function notifyDone(message: string, next: NextStep): void {
  void Promise.resolve(vscode.window.showInformationMessage(message, next.title)).then(
    (answer) => answer === next.title && next.run(),
  );
}

/**
 * Logs every function's outcome and shows one notification (not awaited) whose severity follows the
 * worst outcome; "Show Details" lists each function with its change, warnings or reason.
 */
export function reportOutcomes(
  services: Services,
  outcomes: readonly FunctionOutcome[],
  title: string,
  headline: (ok: number, total: number) => string,
  next?: NextStep,
): void {
  for (const o of outcomes) {
    const text = o.status === 'ok' ? describeChange(o.before, o.after) : o.reason;
    const line = `${title}: ${o.function}: ${o.status}${text ? ` (${text})` : ''}${o.warnings.length ? ` warnings: ${o.warnings.join(' ')}` : ''}`;
    if (o.status === 'failed') services.log.warn(line);
    else services.log.info(line);
  }
  const ok = outcomes.filter((o) => o.status === 'ok').length;
  const skipped = outcomes.filter((o) => o.status === 'skipped').length;
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const warned = outcomes.filter((o) => o.warnings.length > 0).length;
  const parts = [headline(ok, outcomes.length)];
  if (skipped > 0) parts.push(vscode.l10n.t('Skipped: {0}.', skipped));
  if (failed > 0) parts.push(vscode.l10n.t('Failed: {0}.', failed));
  if (warned > 0) parts.push(vscode.l10n.t('With warnings: {0}.', warned));
  const details = vscode.l10n.t('Show Details');
  const show =
    failed > 0
      ? vscode.window.showErrorMessage
      : skipped + warned > 0
        ? vscode.window.showWarningMessage
        : vscode.window.showInformationMessage;
  const buttons = next && ok > 0 ? [next.title, details] : [details];
  void Promise.resolve(show(parts.join(' '), ...buttons)).then((answer) => {
    if (answer === details) return showOutcomeList(services, outcomes, title);
    if (next && answer === next.title) return next.run();
  });
}

async function showOutcomeList(services: Services, outcomes: readonly FunctionOutcome[], title: string): Promise<void> {
  const items = outcomes.map((o) => {
    const icon =
      o.status === 'failed'
        ? '$(error)'
        : o.status === 'skipped'
          ? '$(circle-slash)'
          : o.warnings.length > 0
            ? '$(warning)'
            : '$(pass)';
    const status =
      o.status === 'ok'
        ? describeChange(o.before, o.after)
        : o.status === 'skipped'
          ? vscode.l10n.t('skipped')
          : vscode.l10n.t('failed');
    const detail = [o.status !== 'ok' ? o.reason : undefined, ...o.warnings].filter(Boolean).join(' ');
    return {
      label: `${icon} ${o.function}`,
      description: status,
      detail: detail || undefined,
      functionName: o.function,
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: vscode.l10n.t('Select a function to show it in the Functions view'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (picked) await services.views.revealFunction(picked.functionName);
}

/** "deps:1 → deps:3", "+ deps:3", "− deps:3", or the new order when only the order changed. */
function describeChange(before: readonly string[], after: readonly string[]): string {
  const removed = before.filter((a) => !after.includes(a)).map(shortLayerName);
  const added = after.filter((a) => !before.includes(a)).map(shortLayerName);
  if (removed.length === 0 && added.length === 0) return after.map(shortLayerName).join(', ');
  if (removed.length === 1 && added.length === 1) return `${removed[0]} → ${added[0]}`;
  return [...added.map((a) => `+ ${a}`), ...removed.map((r) => `− ${r}`)].join(', ');
}

/** Re-reads the functions a command changed, so their nodes update without a manual refresh. */
export async function refreshFunctions(services: Services, names: readonly string[]): Promise<void> {
  await Promise.all(
    [...new Set(names)].map((name) =>
      services.explorer
        .refreshFunction(name)
        .catch((e: unknown) => services.log.warn(`Refreshing ${name} failed: ${errorMessage(e)}`)),
    ),
  );
}
