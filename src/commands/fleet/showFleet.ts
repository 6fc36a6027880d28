import * as vscode from 'vscode';
import type { Services } from '../../services';
import { fleetLayerName } from './fleetLayer';

/** Show Fleet: the layer's page across the scope's regions (versions, hashes, users, what is behind or missing). */
export async function showFleet(services: Services, node?: unknown): Promise<void> {
  services.fleetPanels.showLayer(await fleetLayerName(services, node, vscode.l10n.t('Show Fleet')));
}

/** Refresh in the Fleet view: reads every region of the scope again. */
export async function refreshFleet(services: Services): Promise<void> {
  await services.scope.loadInventory(true);
}
