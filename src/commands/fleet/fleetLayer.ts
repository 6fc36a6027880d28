import * as vscode from 'vscode';
import type { Services } from '../../services';
import { UserError } from '../../util/errors';
import { FleetLayerItem } from '../../views/fleetTreeProvider';
import { LayerItem } from '../../views/items/layerItem';
import { withCancellableProgress } from '../cancellableProgress';
import { pickOne } from '../prompts';

/** The layer a fleet command acts on: the node's (Fleet or Layers view), a name given, or picked from the scope's layers. */
export async function fleetLayerName(services: Services, node: unknown, title: string): Promise<string> {
  if (typeof node === 'string' && node.trim()) return node.trim();
  if (node instanceof FleetLayerItem) return node.layerName;
  if (node instanceof LayerItem) return node.name;
  const { scope } = services;
  if (scope.inventory.length === 0 || scope.inventory.some((s) => s.status === 'loading')) {
    await withCancellableProgress(vscode.l10n.t('Reading the layers of {0} regions', scope.regions.length), () =>
      scope.loadInventory(),
    );
  }
  const names = new Map<string, string[]>();
  for (const s of scope.inventory)
    if (s.status === 'ok') for (const name of s.layers.keys()) names.set(name, [...(names.get(name) ?? []), s.target]);
  if (names.size === 0) throw new UserError(vscode.l10n.t("No layers in the scope's regions. Publish one first."));
  const picked = await pickOne({
    title,
    placeholder: vscode.l10n.t('Layer'),
    items: [...names]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([label, regions]) => ({ label, description: regions.join(', ') })),
  });
  return picked.label;
}
