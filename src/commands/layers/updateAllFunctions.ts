import * as vscode from 'vscode';
import { applyBulkUpdate, previewBulkUpdate, type BulkUpdateItem, type BulkUpdatePreview } from '../../ops/bulkUpdate';
import type { FunctionOutcome } from '../../ops/outcomes';
import type { Services } from '../../services';
import { CancelledError } from '../../util/errors';
import { LayerItem } from '../../views/items/layerItem';
import { withCancellableProgress } from '../cancellableProgress';
import { pickLive } from '../livePick';
import { distinctVersionChanges } from '../../stack/compare';
import { replaceChange } from '../../stack/stackGuard';
import { checkStacks, logWarnings, stackWarnings } from '../stack/checkStacks';
import { confirmChange } from '../stack/confirmChange';
import { bulletList } from './confirm';
import { shortLayerName } from './layerVersionTarget';
import { perFunctionProgress, refreshFunctions, reportOutcomes } from './outcomes';

/**
 * On a layer (or picked): finds every function on an older version of it, lets the user confirm the
 * list (from → to, each can be left out) and moves exactly those, one by one.
 * `confirmed` (automation, tests) updates every function of the preview without asking.
 */
export async function updateAllFunctions(
  services: Services,
  node?: unknown,
  options?: { confirmed?: boolean },
): Promise<FunctionOutcome[]> {
  const layer = node instanceof LayerItem ? node.arn : typeof node === 'string' ? node : await pickLayer(services);
  const live = services.connection.require();
  const preview = await withCancellableProgress(
    vscode.l10n.t('Looking for functions on older versions of {0}', shortLayerName(layer)),
    (_report, signal) => previewBulkUpdate(live.lambda, layer, { signal }),
  );
  const to = shortLayerName(preview.to);
  if (preview.items.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('No function uses an older version of the layer; the latest is {0}.', to),
    );
    return [];
  }
  const items = options?.confirmed ? preview.items : await confirmItems(preview);
  await checkBeforeUpdate(services, preview.to, items, options?.confirmed === true);
  let outcomes: FunctionOutcome[];
  try {
    outcomes = await withCancellableProgress(vscode.l10n.t('Updating functions to {0}', to), (report, signal) => {
      const progress = perFunctionProgress(report);
      return applyBulkUpdate(live.lambda, items, {
        signal,
        log: services.log,
        onProgress: (item, i, total, p) => progress(item.function, i, total, p),
      });
    });
  } finally {
    await refreshFunctions(
      services,
      items.map((i) => i.function),
    );
  }
  reportOutcomes(services, outcomes, vscode.l10n.t('Update to {0}', to), (ok, total) =>
    ok === total
      ? total === 1
        ? vscode.l10n.t('Updated {0} to {1}.', items[0].function, to)
        : vscode.l10n.t('Updated {0} functions to {1}.', total, to)
      : vscode.l10n.t('Updated {0} of {1} functions to {2}.', ok, total, to),
  );
  return outcomes;
}

/**
 * The shared size check of every function's stack after its move, then (unless confirmed up front, when the
 * warnings go to the log) a last question that offers to compare the versions first.
 */
async function checkBeforeUpdate(
  services: Services,
  toArn: string,
  items: readonly BulkUpdateItem[],
  confirmed: boolean,
): Promise<void> {
  const checks = await checkStacks(
    services,
    items.map((i) => replaceChange(i.function, i.from, i.to)),
  );
  if (confirmed) return logWarnings(services, checks);
  const to = shortLayerName(toArn);
  const warnings = stackWarnings(checks);
  const lines = items.map((i) => `${i.function}: ${shortLayerName(i.from)} → ${to}`);
  await confirmChange(services, {
    message:
      items.length === 1
        ? vscode.l10n.t('Update {0} to {1}?', items[0].function, to)
        : vscode.l10n.t('Update {0} functions to {1}?', items.length, to),
    detail: bulletList([...warnings.map((w) => `⚠ ${w}`), ...lines]),
    action: vscode.l10n.t('Update'),
    severity: warnings.length > 0 ? 'warning' : 'info',
    changes: distinctVersionChanges(items),
  });
}

/** The preview as a list with every function selected; unselecting one leaves it as it is. */
async function confirmItems(preview: BulkUpdatePreview): Promise<BulkUpdateItem[]> {
  const to = shortLayerName(preview.to);
  const picked = await vscode.window.showQuickPick(
    preview.items.map((item) => ({
      label: `$(symbol-function) ${item.function}`,
      description: `${shortLayerName(item.from)} → ${to}`,
      picked: true,
      item,
    })),
    {
      title: vscode.l10n.t('Update to {0}', to),
      placeHolder:
        preview.items.length === 1
          ? vscode.l10n.t('1 function uses an older version. Press Enter to update it.')
          : vscode.l10n.t(
              '{0} functions use an older version. Clear the ones to leave as they are, then press Enter.',
              preview.items.length,
            ),
      canPickMany: true,
      matchOnDescription: true,
    },
  );
  if (!picked || picked.length === 0) throw new CancelledError();
  return picked.map((p) => p.item);
}

async function pickLayer(services: Services): Promise<string> {
  services.connection.require();
  const explorer = services.explorer;
  explorer.ensureLoaded();
  const picked = await pickLive({
    title: vscode.l10n.t('Update All Functions to Latest'),
    placeholder: vscode.l10n.t('Select a layer'),
    busy: () => explorer.model?.state.status === 'loading',
    onDidChange: (listener) => explorer.onDidChange(listener),
    items: () =>
      (explorer.model?.layers ?? []).map((l) => ({
        label: `$(layers) ${l.name}`,
        description: l.latestVersion !== undefined ? vscode.l10n.t('latest v{0}', l.latestVersion) : undefined,
        arn: l.arn,
      })),
  });
  return picked.arn;
}
