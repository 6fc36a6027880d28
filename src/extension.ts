import * as vscode from 'vscode';
import { publishDeployedFolders } from './commands/functions/functionFolders';
import { registerCommands } from './commands/registerCommands';
import { createServices, type Services } from './services';
import { sharedZipCache } from './commands/stack/sharedZipCache';
import { ConnectionStatusBar } from './views/connectionStatusBar';
import { LAYER_SCHEME, LayerFileSystem } from './views/layerFileSystem';
import { watchConnectionInputs } from './vscode/connectionTriggers';
import { configureL10n } from './vscode/l10n';
import { offerWalkthroughOnce, tickConnectStepWhenReady } from './vscode/walkthrough';

/** What `activate` returns: the in-editor tests read the views through it. */
export interface LambdaLayersApi {
  readonly services: Services;
  readonly statusBar: ConnectionStatusBar;
}

let active: Services | undefined;

export function activate(context: vscode.ExtensionContext): LambdaLayersApi {
  configureL10n();
  const services = createServices(context);
  active = services;
  const statusBar = new ConnectionStatusBar(services.connection, services.scope);
  context.subscriptions.push(
    ...registerCommands(services),
    statusBar,
    watchConnectionInputs(services.connection),
    tickConnectStepWhenReady(context, services.connection),
    vscode.workspace.registerFileSystemProvider(LAYER_SCHEME, new LayerFileSystem(sharedZipCache()), {
      isReadonly: true,
      isCaseSensitive: true,
    }),
  );
  publishDeployedFolders(services);
  // Connecting may start the local endpoint; the views show "Connecting…" meanwhile.
  void services.connection.connect();
  void offerWalkthroughOnce(context);
  return { services, statusBar };
}

/** Awaited by VS Code: closes the clients and stops the local endpoint before the host exits. */
export async function deactivate(): Promise<void> {
  await active?.connection.shutdown();
  active = undefined;
}
