import type { Architecture, Runtime } from '@aws-sdk/client-lambda';
import * as vscode from 'vscode';
import type { FunctionNode } from '../../model/nodes';
import { quickSizeWarning } from '../../ops/attach';
import { compatibilityWarnings } from '../../ops/compatibility';
import { MAX_LAYERS } from '../../ops/layerList';
import type { KnownSizes } from '../../ops/sizeGuard';
import { isProbeFunction } from '../../invoke/probeName';
import type { Services } from '../../services';
import { CancelledError } from '../../util/errors';
import type { LayerVersionTarget } from './layerVersionTarget';

/** What attaching the layer would do to one function, and what to watch out for. */
export interface AttachPreview {
  functionName: string;
  /** "replaces v1", "already attached". */
  note?: string;
  /** Runtime or architecture mismatch, size near the quota, too many layers: shown, never hidden. */
  warnings: string[];
  /** The quick size estimate's warning (also in `warnings`), replaced by the exact check before confirming. */
  sizeWarning?: string;
  /** The version of the same layer this one replaces. */
  replaces?: string;
}

export function attachPreview(fn: FunctionNode, layer: LayerVersionTarget, knownSizes?: KnownSizes): AttachPreview {
  const same = fn.layers.find((l) => l.layerArn === layer.layerArn);
  const note =
    same?.arn === layer.arn
      ? vscode.l10n.t('already attached')
      : same
        ? vscode.l10n.t('replaces v{0}', same.version)
        : undefined;
  const added = { arn: layer.arn, codeSize: layer.codeSize };
  const after = same ? fn.layers.map((l) => (l === same ? added : l)) : [...fn.layers, added];
  const warnings: string[] = [];
  if (after.length > MAX_LAYERS)
    warnings.push(vscode.l10n.t('{0} already has {1} layers, the most a function can use.', fn.name, MAX_LAYERS));
  const config = {
    FunctionName: fn.name,
    Runtime: fn.runtime as Runtime | undefined,
    Architectures: [fn.architecture as Architecture],
    Layers: after.map((l) => ({ Arn: l.arn, CodeSize: l.codeSize })),
  };
  warnings.push(
    ...compatibilityWarnings(
      { arn: layer.arn, compatibleRuntimes: layer.runtimes, compatibleArchitectures: layer.architectures },
      config,
    ),
  );
  const sizeWarning = quickSizeWarning(config, knownSizes);
  if (sizeWarning) warnings.push(sizeWarning);
  const replaces = same && same.arn !== layer.arn ? same.arn : undefined;
  return {
    functionName: fn.name,
    note,
    warnings,
    ...(sizeWarning ? { sizeWarning } : {}),
    ...(replaces ? { replaces } : {}),
  };
}

/** Functions a layer can go on: zip-packaged ones (container images take no layers), not our probe functions. */
function canTakeLayers(fn: FunctionNode): boolean {
  return fn.packageType !== 'Image' && !isProbeFunction(fn.name);
}

type Item = vscode.QuickPickItem & { preview: AttachPreview };

/**
 * Multi-select quick pick of the explorer's functions, filled while the model loads. Mismatching
 * functions stay selectable, marked with a warning icon and the reason below their name.
 */
export async function pickFunctionsForLayer(
  services: Services,
  layer: LayerVersionTarget,
  knownSizes?: KnownSizes,
): Promise<AttachPreview[]> {
  const explorer = services.explorer;
  explorer.ensureLoaded();
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = vscode.l10n.t('Attach {0}:{1}', layer.name, layer.version);
  pick.placeholder = vscode.l10n.t('Select the functions to attach it to');
  pick.canSelectMany = true;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const update = () => {
    const keep = new Set(pick.selectedItems.map((i) => i.preview.functionName));
    const model = explorer.model;
    const items = (model?.functions ?? [])
      .filter(canTakeLayers)
      .map((fn) => toItem(fn, attachPreview(fn, layer, knownSizes)));
    pick.items = items;
    pick.selectedItems = items.filter((i) => keep.has(i.preview.functionName));
    pick.busy = model?.state.status === 'loading';
  };
  update();
  const subscription = explorer.onDidChange(update);
  try {
    return await new Promise<AttachPreview[]>((resolve, reject) => {
      pick.onDidAccept(() => {
        if (pick.selectedItems.length > 0) resolve(pick.selectedItems.map((i) => i.preview));
      });
      pick.onDidHide(() => reject(new CancelledError()));
      pick.show();
    });
  } finally {
    subscription.dispose();
    pick.dispose();
  }
}

function toItem(fn: FunctionNode, preview: AttachPreview): Item {
  const facts = [fn.runtime ?? fn.packageType, fn.architecture, preview.note].filter(Boolean).join(' · ');
  return {
    // An icon of its own, not `$(…)` in the label: the hover of a long label shows the label's raw text.
    label: fn.name,
    iconPath: new vscode.ThemeIcon(preview.warnings.length > 0 ? 'warning' : 'symbol-function'),
    description: facts,
    detail: preview.warnings.length > 0 ? preview.warnings.join(' ') : undefined,
    preview,
  };
}
