import * as vscode from 'vscode';
import {
  applyRetention,
  checkRetentionRules,
  planOutcomes,
  planRetention,
  type PruneOutcome,
  type RetentionRules,
} from '../../ops/retention';
import type { Services } from '../../services';
import { errorMessage } from '../../util/errors';
import { withCancellableProgress } from '../cancellableProgress';
import { askText } from '../prompts';
import { resolveTarget } from '../resourceTarget';
import { bulletList, confirmDestructive } from './confirm';

const STATUS_TEXT: Record<PruneOutcome['status'], () => string> = {
  deleted: () => vscode.l10n.t('deleted'),
  kept: () => vscode.l10n.t('kept'),
  failed: () => vscode.l10n.t('failed'),
  skipped: () => vscode.l10n.t('skipped'),
};

/** Answers a test (or a caller) can give instead of the prompts; `minAgeDays: null` means "no age rule". */
export interface PruneAnswers {
  keep?: number;
  minAgeDays?: number | null;
  confirmed?: boolean;
}

/**
 * Prune Old Versions… on a layer: asks how many to keep (and optionally a minimum age), previews every version
 * with go/stay and why, then deletes with cancellable progress, checking each version again just before.
 * Returns the outcome per version.
 */
export async function pruneLayerVersions(
  services: Services,
  node?: unknown,
  answers: PruneAnswers = {},
): Promise<PruneOutcome[]> {
  const title = vscode.l10n.t('Prune Old Versions');
  const layer = await resolveTarget(services, node, title, ['layer']);
  const rules = await askRules(title, answers);
  // Every region of the fleet scope (the connection's alone unless several are selected).
  const gateways = await services.scope.gateways();
  const plan = await withCancellableProgress(
    vscode.l10n.t('Checking which functions use the versions of {0}', layer.name),
    (_report, signal) => planRetention(gateways, layer.name, rules, { signal }),
  );
  const preview = planOutcomes(plan);
  const going = preview.filter((o) => o.status === 'deleted');
  const where = (o: PruneOutcome) => (gateways.length > 1 ? `${o.region} ` : '');
  const line = (o: PruneOutcome) => where(o) + vscode.l10n.t('Version {0}: {1}', o.version, o.reason);
  if (going.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Nothing to prune in {0}: every version stays.', layer.name),
    );
    return preview;
  }
  if (!answers.confirmed) {
    const stays = preview.filter((o) => o.status === 'kept');
    const detail = [
      vscode.l10n.t('Deleted:'),
      bulletList(going.map(line)),
      ...(stays.length > 0 ? ['', vscode.l10n.t('Kept:'), bulletList(stays.map(line))] : []),
      '',
      vscode.l10n.t('Each version is checked again just before it is deleted. Deleting cannot be undone.'),
    ].join('\n');
    await confirmDestructive(
      vscode.l10n.t('Delete {0} of the {1} versions of {2}?', going.length, preview.length, layer.name),
      detail,
      vscode.l10n.t('Delete {0} Versions', going.length),
    );
  }
  const outcomes = await withCancellableProgress(vscode.l10n.t('Pruning {0}', layer.name), (report, signal) =>
    applyRetention(gateways, plan, {
      signal,
      onOutcome: (o, done, total) =>
        report(
          vscode.l10n.t('Version {0}: {1} ({2}/{3})', o.version, STATUS_TEXT[o.status](), done, total),
          100 / total,
        ),
    }),
  );
  await services.explorer
    .refreshLayer(layer.name)
    .catch((e: unknown) => services.log.warn(`Refreshing ${layer.name} failed: ${errorMessage(e)}`));
  report(services, layer.name, outcomes);
  return outcomes;
}

async function askRules(title: string, answers: PruneAnswers): Promise<RetentionRules> {
  const count = (value: string) => (/^\d+$/.test(value.trim()) ? Number(value) : NaN);
  const check = (rules: RetentionRules) => {
    try {
      checkRetentionRules(rules);
      return undefined;
    } catch (e) {
      return errorMessage(e);
    }
  };
  const keep =
    answers.keep ??
    count(
      await askText({
        title,
        prompt: vscode.l10n.t('How many of the newest versions to keep (versions in use always stay)'),
        value: '3',
        validateInput: (v) => check({ keep: count(v) }),
      }),
    );
  if (answers.minAgeDays !== undefined)
    return { keep, ...(answers.minAgeDays !== null && { minAgeDays: answers.minAgeDays }) };
  const age = await askText({
    title,
    prompt: vscode.l10n.t('Also keep versions younger than this many days (leave empty for no age rule)'),
    validateInput: (v) => (v.trim() === '' ? undefined : check({ keep, minAgeDays: count(v) })),
  });
  return { keep, ...(age !== '' && { minAgeDays: count(age) }) };
}

/** One line per version in the log; a short summary as a notification (a warning when something stayed unexpectedly or failed). */
function report(services: Services, layerName: string, outcomes: PruneOutcome[]): void {
  services.log.info(
    `Prune ${layerName}:\n${outcomes.map((o) => `${o.region} ${o.version} ${o.status} (${o.reason})`).join('\n')}`,
  );
  const deleted = outcomes.filter((o) => o.status === 'deleted').map((o) => o.version);
  const problems = outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped' || o.nowUsedBy);
  const summary = vscode.l10n.t(
    'Deleted {0} versions of {1}: {2}.',
    deleted.length,
    layerName,
    deleted.join(', ') || '–',
  );
  if (problems.length === 0) {
    void vscode.window.showInformationMessage(summary);
    return;
  }
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window
    .showWarningMessage(
      `${summary} ${vscode.l10n.t('Not deleted: {0}', problems.map((o) => `${o.version} (${o.reason})`).join('; '))}`,
      showLog,
    )
    .then((answer) => answer === showLog && services.log.show());
}
