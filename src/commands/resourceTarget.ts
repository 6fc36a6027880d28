import * as vscode from 'vscode';
import type { Services } from '../services';
import { UserError } from '../util/errors';
import { FunctionItem } from '../views/items/functionItem';
import { FunctionLayerItem } from '../views/items/functionLayerItem';
import { LayerItem } from '../views/items/layerItem';
import { LayerVersionItem } from '../views/items/layerVersionItem';
import { UsedByFunctionItem } from '../views/items/usedByItem';
import { formatDate, listOrAny } from '../views/format';
import { pickLive } from './livePick';

/** A layer, layer version or function a command acts on: from a tree node, or picked from the palette. */
export type ResourceTarget =
  | { kind: 'layer'; name: string; arn: string }
  | { kind: 'layerVersion'; name: string; version: number; arn: string; external: boolean }
  | { kind: 'function'; name: string; arn: string };

export type ResourceKind = ResourceTarget['kind'];

/** The targets of the given kinds. */
type TargetOf<K extends ResourceKind> = Extract<ResourceTarget, { kind: K }>;

/** The resource a tree node stands for; undefined for rows that stand for none (details, status). */
export function targetOfNode(node: unknown, services: Services): ResourceTarget | undefined {
  if (node instanceof LayerItem) return { kind: 'layer', name: node.name, arn: node.arn };
  if (node instanceof LayerVersionItem) {
    return { kind: 'layerVersion', name: node.layerName, version: node.version, arn: node.arn, external: false };
  }
  if (node instanceof FunctionLayerItem) {
    return {
      kind: 'layerVersion',
      name: node.layerName,
      version: node.version,
      arn: node.arn,
      external: node.external,
    };
  }
  if (node instanceof FunctionItem) return { kind: 'function', name: node.name, arn: node.arn };
  if (node instanceof UsedByFunctionItem) {
    const fn = services.explorer.model?.getFunction(node.functionName);
    return fn ? { kind: 'function', name: fn.name, arn: fn.arn } : undefined;
  }
  return undefined;
}

/** The node's resource, or (from the palette) one picked from the explorer: a function, or a layer and then a version. */
export async function resolveTarget<K extends ResourceKind = ResourceKind>(
  services: Services,
  node: unknown,
  title: string,
  kinds: readonly K[] = ['layer', 'layerVersion', 'function'] as K[],
): Promise<TargetOf<K>> {
  const fromNode = targetOfNode(node, services);
  if (fromNode && isOfKind(fromNode, kinds)) return fromNode;
  if (node !== undefined && fromNode)
    throw new UserError(vscode.l10n.t('This command does not apply to the selected item.'));
  // The picks offer only targets of the wanted kinds.
  return (await pickResource(services, title, kinds)) as TargetOf<K>;
}

function isOfKind<K extends ResourceKind>(target: ResourceTarget, kinds: readonly K[]): target is TargetOf<K> {
  return (kinds as readonly ResourceKind[]).includes(target.kind);
}

type Item = vscode.QuickPickItem & { target?: ResourceTarget; layerName?: string };

async function pickResource(
  services: Services,
  title: string,
  kinds: readonly ResourceKind[],
): Promise<ResourceTarget> {
  services.connection.require();
  const explorer = services.explorer;
  explorer.ensureLoaded();
  const model = () => explorer.model;
  const wantLayers = kinds.includes('layer') || kinds.includes('layerVersion');
  const picked = await pickLive<Item>({
    title,
    placeholder: vscode.l10n.t('Select a layer or function'),
    busy: () => model()?.state.status === 'loading',
    onDidChange: (listener) => explorer.onDidChange(listener),
    items: () => {
      const m = model();
      if (!m) return [];
      const items: Item[] = [];
      if (wantLayers && m.layers.length > 0) {
        items.push({ label: vscode.l10n.t('Layers'), kind: vscode.QuickPickItemKind.Separator });
        for (const layer of m.layers) {
          items.push({
            label: `$(layers) ${layer.name}`,
            description:
              layer.latestVersion !== undefined ? vscode.l10n.t('latest v{0}', layer.latestVersion) : undefined,
            layerName: layer.name,
          });
        }
      }
      if (kinds.includes('function') && m.functions.length > 0) {
        items.push({ label: vscode.l10n.t('Functions'), kind: vscode.QuickPickItemKind.Separator });
        for (const fn of m.functions) {
          items.push({
            label: `$(symbol-function) ${fn.name}`,
            description: [fn.runtime ?? fn.packageType, fn.architecture].filter(Boolean).join(' · '),
            target: { kind: 'function', name: fn.name, arn: fn.arn },
          });
        }
      }
      return items;
    },
  });
  if (picked.target) return picked.target;
  return pickVersion(services, title, picked.layerName!, kinds.includes('layer'));
}

async function pickVersion(
  services: Services,
  title: string,
  layerName: string,
  allowLayer: boolean,
): Promise<ResourceTarget> {
  const explorer = services.explorer;
  const layer = () => explorer.model?.getLayer(layerName);
  const picked = await pickLive<Item>({
    title,
    placeholder: vscode.l10n.t('Select a version of {0}', layerName),
    busy: () => layer()?.versionsState === 'loading',
    onDidChange: (listener) => explorer.onDidChange(listener),
    items: () => {
      const l = layer();
      if (!l) return [];
      const items: Item[] = [];
      if (allowLayer) {
        items.push({
          label: vscode.l10n.t('$(layers) All versions'),
          description: l.arn,
          target: { kind: 'layer', name: l.name, arn: l.arn },
        });
      }
      for (const v of l.versions) {
        items.push({
          label: `$(versions) ${vscode.l10n.t('Version {0}', v.version)}`,
          description: [v.created ? formatDate(v.created) : undefined, listOrAny(v.runtimes)]
            .filter(Boolean)
            .join(' · '),
          target: { kind: 'layerVersion', name: l.name, version: v.version, arn: v.arn, external: false },
        });
      }
      return items;
    },
  });
  return picked.target!;
}
