import type { Services } from '../services';
import { readConnectionSettings, updateSetting } from '../vscode/settings';

/** Switches to the local endpoint (the setting change reconnects); when already local, reconnects. */
export async function useLocalEndpoint(services: Services): Promise<void> {
  if (readConnectionSettings().mode === 'local') await services.connection.connect();
  else await updateSetting('connection', 'local');
}
