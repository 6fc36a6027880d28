import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExplorerViews } from './views/explorerViews';
import { FleetPanels } from './views/fleetPanels';
import { FLEET_VIEW, FleetTreeProvider } from './views/fleetTreeProvider';
import { InvokeResultPanel } from './views/invokeResultPanel';
import { ProbeResultPanel } from './views/probeResultPanel';
import { StackPanels } from './views/stackPanels';
import { ConnectionController } from './vscode/connectionController';
import { ExplorerHost } from './vscode/explorerHost';
import { FleetScope } from './vscode/fleetScope';

/**
 * Everything a command needs, from one place. Handlers registered with `registerCommand` receive it
 * as their first argument:
 * - `connection.require()` → the live `Connection` (`lambda` gateway, `clients.s3`/`.iam`, `settings`,
 *   `isLocal`), or a `UserError` saying how to connect;
 * - `explorer.refreshLayer(name)` / `refreshFunction(name)` after a change, `explorer.model` to read;
 * - `views.revealFunction(name)`; `log` for details (the wrapper already logs failures);
 * - `context` for storage paths and secrets.
 */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly connection: ConnectionController;
  readonly explorer: ExplorerHost;
  readonly views: ExplorerViews;
  /** The invoke result page (`model` is what it shows). */
  readonly invokeResults: InvokeResultPanel;
  /** The layer import check page. */
  readonly probeResults: ProbeResultPanel;
  /** The Analyze Function and Compare pages. */
  readonly stackPanels: StackPanels;
  /** The regions (and profiles) the fleet commands act on, their fleet and inventory. */
  readonly scope: FleetScope;
  /** The Fleet view's provider (tests read its children). */
  readonly fleetTree: FleetTreeProvider;
  /** The fleet page of a layer and the rollout page. */
  readonly fleetPanels: FleetPanels;
}

/** Creates the services; all of them are disposed with the extension. */
export function createServices(context: vscode.ExtensionContext): Services {
  const log = vscode.window.createOutputChannel('Lambda Layers', { log: true });
  const version = String(context.extension.packageJSON.version ?? '0.0.0');
  const connection = new ConnectionController(
    path.join(context.globalStorageUri.fsPath, 'sandbox'),
    log,
    `lambda-layers-vscode/${version}`,
  );
  const explorer = new ExplorerHost(connection, log);
  const views = new ExplorerViews(connection, explorer, log);
  const invokeResults = new InvokeResultPanel(context.workspaceState, log);
  const probeResults = new ProbeResultPanel();
  const stackPanels = new StackPanels();
  const scope = new FleetScope(connection, log);
  const fleetTree = new FleetTreeProvider(scope);
  const fleetView = vscode.window.createTreeView(FLEET_VIEW, { treeDataProvider: fleetTree, showCollapseAll: true });
  const fleetLoader = fleetTree.loadWhileVisible(fleetView, () => connection.state === 'ready', explorer.onDidChange);
  const fleetPanels = new FleetPanels(scope);
  // Disposed in this order: the result pages, views, then the model, then the connection (clients, local endpoint), then the log.
  context.subscriptions.push(
    invokeResults,
    probeResults,
    stackPanels,
    fleetPanels,
    fleetLoader,
    fleetView,
    fleetTree,
    views,
    explorer,
    scope,
    connection,
    log,
  );
  return {
    context,
    log,
    connection,
    explorer,
    views,
    invokeResults,
    probeResults,
    stackPanels,
    scope,
    fleetTree,
    fleetPanels,
  };
}
