import * as vscode from 'vscode';
import type { Services } from '../services';
import { readConnectionSettings, updateSetting } from '../vscode/settings';

/**
 * Switches to the local endpoint (the setting change reconnects). When already connected to one (also through
 * `auto` without credentials), says so instead of reconnecting; when the local connection failed, tries again.
 */
export async function useLocalEndpoint(services: Services): Promise<void> {
  const { connection } = services;
  const live = connection.current;
  if (connection.state === 'ready' && live?.isLocal) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Already using the local endpoint ({0}).', live.settings.endpoint ?? ''),
    );
  } else if (readConnectionSettings().mode === 'local') {
    await connection.connect();
  } else {
    await updateSetting('connection', 'local');
  }
}
