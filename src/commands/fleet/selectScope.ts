import * as vscode from 'vscode';
import { partitionRegions } from '../../aws/regions';
import type { Services } from '../../services';
import { updateSetting } from '../../vscode/settings';
import { profileItems } from '../profileItems';
import { pickMany } from '../prompts';

/** Given by tests instead of the pickers. */
export interface ScopeAnswers {
  regions?: string[];
  /** Profiles beyond the connection's; empty: the connection's own. */
  profiles?: string[];
}

/**
 * Select Regions…: the regions (of the connection's partition) the Fleet view and the fleet commands cover,
 * and, with several AWS profiles, which accounts. Picking only the connection's region clears the scope.
 */
export async function selectScope(services: Services, answers: ScopeAnswers = {}): Promise<void> {
  const live = services.connection.require();
  const title = vscode.l10n.t('Fleet Scope');
  const own = live.settings.region;
  const current = new Set(services.scope.regions);
  const regionItems = partitionRegions(own).map((label) => ({
    label,
    description: label === own ? vscode.l10n.t('connection') : undefined,
  }));
  const regions =
    answers.regions ??
    (
      await pickMany({
        title,
        placeholder: vscode.l10n.t('Regions the Fleet view and the fleet commands cover'),
        items: regionItems,
        selected: regionItems.filter((i) => current.has(i.label)),
      })
    ).map((i) => i.label);
  const profiles = answers.profiles ?? (live.isLocal ? [] : await pickProfiles(services, title));
  // Written only when changed: every write restarts the Fleet view's loading.
  const config = vscode.workspace.getConfiguration('lambdaLayers');
  const write = async (key: string, value: string[]) => {
    if (JSON.stringify(config.get<string[]>(key) ?? []) !== JSON.stringify(value)) await updateSetting(key, value);
  };
  await write('scope.regions', regions.length === 1 && regions[0] === own ? [] : regions);
  await write('scope.profiles', profiles.length === 1 && profiles[0] === live.profile ? [] : profiles);
}

/** With two or more profiles, which of them (accounts) the scope spans; none picked: the connection's. */
async function pickProfiles(services: Services, title: string): Promise<string[]> {
  const items = await profileItems(services.connection.current?.profile);
  if (items.length < 2) return [];
  const current = new Set(services.scope.profiles);
  const picked = await pickMany({
    title,
    placeholder: vscode.l10n.t("Profiles (accounts) the scope spans; none selected: the connection's profile"),
    items,
    selected: items.filter((i) => current.has(i.profile.name)),
  });
  return picked.map((i) => i.profile.name);
}
