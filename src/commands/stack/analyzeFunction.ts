import * as vscode from 'vscode';
import { arnAccount } from '../../aws/arn';
import type { Services } from '../../services';
import { analyzeFunction, type StackReport } from '../../stack/analyze';
import { measureImports, type ImportTiming } from '../../stack/importTime';
import { shadowingWarnings } from '../../stack/shadowing';
import { sourceLabel, type StackPageModel } from '../../stack/stackPage';
import { errorMessage, isCancellation } from '../../util/errors';
import { setStackWarnings } from '../../views/stackWarnings';
import { withCancellableProgress } from '../cancellableProgress';
import { refreshFunctions } from '../layers/outcomes';
import { resolveTarget } from '../resourceTarget';
import { sharedZipCache } from './sharedZipCache';

/**
 * Analyze Function: the stack's unzipped budget, shadowed modules and (in a trusted workspace) local import
 * times, on a page; modules whose winner has another version than a layer ships become a warning on the
 * function's node.
 */
export async function analyzeFunctionCommand(services: Services, node?: unknown): Promise<StackPageModel> {
  const target = await resolveTarget(services, node, vscode.l10n.t('Analyze Function'), ['function']);
  const live = services.connection.require();
  const model = await withCancellableProgress(vscode.l10n.t('Analyzing {0}', target.name), async (report, signal) => {
    const result = await analyzeFunction(live.lambda, target.name, {
      cache: sharedZipCache(),
      signal,
      onProgress: report,
    });
    report(vscode.l10n.t('Measuring import times…'));
    return { report: result, ...(await importTimes(services, result, signal)) };
  });
  const layerArns = model.report.sources.slice(1).map((s) => s.source);
  setStackWarnings(target.name, layerArns, shadowingWarnings(model.report.shadowed, sourceLabel));
  await refreshFunctions(services, [target.name]);
  services.stackPanels.showAnalysis(model);
  return model;
}

/** Importing runs the layers' code on this machine: only in a trusted workspace, and only code of this account unless the user agrees. */
async function importTimes(
  services: Services,
  report: StackReport,
  signal: AbortSignal,
): Promise<{ imports: ImportTiming[]; importsNote?: string }> {
  if (!vscode.workspace.isTrusted)
    return {
      imports: [],
      importsNote: vscode.l10n.t(
        "Import times are measured only in a trusted workspace: importing runs the layers' code.",
      ),
    };
  const own = arnAccount(services.explorer.model?.getFunction(report.functionName)?.arn ?? '');
  const foreign = report.sources.slice(1).filter((s) => arnAccount(s.source) !== own);
  if (foreign.length > 0) {
    const run = vscode.l10n.t('Measure');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Measuring import times runs the code of {0} on this machine. It comes from another account.',
        foreign.map((s) => sourceLabel(s.source)).join(', '),
      ),
      { modal: true },
      run,
    );
    if (answer !== run) return { imports: [], importsNote: vscode.l10n.t('Import times were not measured.') };
  }
  try {
    const m = await measureImports(report.runtime, report.sources, signal);
    return {
      imports: m.timings,
      importsNote: m.python
        ? vscode.l10n.t(
            'Measured with the local Python {0}, each package in a fresh interpreter, bytecode as shipped.',
            m.python,
          )
        : undefined,
    };
  } catch (e) {
    if (isCancellation(e)) throw e;
    services.log.warn(`Import times of ${report.functionName} not measured: ${errorMessage(e)}`);
    return { imports: [], importsNote: vscode.l10n.t('Import times were not measured: {0}', errorMessage(e)) };
  }
}
