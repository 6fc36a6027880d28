import * as l10n from '@vscode/l10n';
import type { LambdaGateway } from '../aws/types';
import { UserError, throwIfAborted } from '../util/errors';
import { isSameLayer, parseLayerArn } from '../aws/arn';
import { replaceVersion } from './layerList';
import { layerArnsOf, mutateFunctionLayers, type MutateOptions, type MutateProgress } from './mutateLayers';
import { forEachFunction, functionsToScan, type FunctionOutcome, type ScanOptions } from './outcomes';

export interface BulkUpdateItem {
  function: string;
  from: string;
  to: string;
}

export interface BulkUpdatePreview {
  /** The version every listed function would move to. */
  to: string;
  items: BulkUpdateItem[];
}

/**
 * Which functions use an older version of the layer, and what they would move to.
 * `layer` is a layer name or ARN (target: its newest version) or a layer version ARN (target: that version).
 */
export async function previewBulkUpdate(
  gateway: LambdaGateway,
  layer: string,
  options: ScanOptions = {},
): Promise<BulkUpdatePreview> {
  const to =
    parseLayerArn(layer)?.version !== undefined ? layer : await newestVersionArn(gateway, layer, options.signal);
  const target = parseLayerArn(to)?.version ?? 0;
  const items: BulkUpdateItem[] = [];
  for await (const fn of functionsToScan(gateway, options.functions, options.signal)) {
    throwIfAborted(options.signal);
    const from = layerArnsOf(fn).find((a) => isSameLayer(a, to));
    if (from && fn.FunctionName && (parseLayerArn(from)?.version ?? target) < target)
      items.push({ function: fn.FunctionName, from, to });
  }
  return { to, items };
}

export interface ApplyBulkOptions extends Omit<MutateOptions, 'onProgress'> {
  onProgress?: (item: BulkUpdateItem, index: number, total: number, p: MutateProgress) => void;
}

/**
 * Applies exactly the confirmed preview items, one function at a time. A function whose layers changed
 * after the preview (it no longer uses `from`) is skipped, not overwritten.
 */
export async function applyBulkUpdate(
  gateway: LambdaGateway,
  items: readonly BulkUpdateItem[],
  options: ApplyBulkOptions = {},
): Promise<FunctionOutcome[]> {
  const { onProgress, ...mutate } = options;
  return forEachFunction(
    items.map((i) => i.function),
    async (name, i) => {
      const item = items[i];
      const result = await mutateFunctionLayers(
        gateway,
        name,
        (current) => replaceVersion(current, item.from, item.to),
        {
          ...mutate,
          onProgress: onProgress && ((p) => onProgress(item, i, items.length, p)),
        },
      );
      return result.kind === 'updated'
        ? { function: name, status: 'ok', before: result.before, after: result.after, warnings: [] }
        : { function: name, status: 'skipped', reason: l10n.t('Already uses {0}.', item.to), warnings: [] };
    },
    options.signal,
  );
}

async function newestVersionArn(gateway: LambdaGateway, layer: string, signal?: AbortSignal): Promise<string> {
  const name = parseLayerArn(layer)?.name ?? layer;
  let newest: { arn: string; version: number } | undefined;
  // Versions come newest first; take the maximum anyway, it costs nothing on one page.
  for await (const v of gateway.listLayerVersions(name, { signal })) {
    if (v.LayerVersionArn && v.Version !== undefined && (!newest || v.Version > newest.version))
      newest = { arn: v.LayerVersionArn, version: v.Version };
  }
  if (!newest) throw new UserError(l10n.t('The layer {0} has no versions.', name));
  return newest.arn;
}
