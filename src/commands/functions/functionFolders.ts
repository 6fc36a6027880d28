import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../services';
import type { Connection } from '../../vscode/connectionController';

/** Which function each workspace folder deploys to, per connection, and the code it last deployed. */
const KEY = 'lambdaLayers.functionFolders';

export interface FolderDeployment {
  folder: string;
  functionName: string;
  /** CodeSha256 after this folder's last create or deploy: other code there means someone else deployed. */
  codeSha256?: string;
}

type Store = Record<string, FolderDeployment>;

/** The same function name on the local endpoint and on AWS (or in two regions) is a different function. */
function scope(live: Connection): string {
  return `${live.settings.kind}/${live.profile ?? ''}/${live.settings.region}`;
}

function store(services: Services): Store {
  return services.context.workspaceState.get<Store>(KEY) ?? {};
}

export function deploymentOfFolder(services: Services, live: Connection, folder: string): FolderDeployment | undefined {
  return store(services)[`${scope(live)}|${path.resolve(folder)}`];
}

/** The folder a function was last created or deployed from, on this connection. */
export function deploymentOfFunction(
  services: Services,
  live: Connection,
  functionName: string,
): FolderDeployment | undefined {
  const prefix = `${scope(live)}|`;
  return Object.entries(store(services)).find(
    ([key, d]) => key.startsWith(prefix) && d.functionName === functionName,
  )?.[1];
}

/** Remembers the folder ↔ function pair (a folder deploys to one function, a function from one folder). */
export async function rememberDeployment(
  services: Services,
  live: Connection,
  deployment: FolderDeployment,
): Promise<void> {
  const prefix = `${scope(live)}|`;
  const folder = path.resolve(deployment.folder);
  const next: Store = {};
  for (const [key, d] of Object.entries(store(services))) {
    if (!(key.startsWith(prefix) && d.functionName === deployment.functionName)) next[key] = d;
  }
  next[`${prefix}${folder}`] = { ...deployment, folder };
  await services.context.workspaceState.update(KEY, next);
  publishDeployedFolders(services);
}

/**
 * `lambdaLayers.deployedFolders`: the folders with a remembered function, for the Deploy buttons on their
 * files (editor title, Explorer) in package.json's `when` clauses.
 */
export function publishDeployedFolders(services: Services): void {
  const folders = [...new Set(Object.values(store(services)).map((d) => d.folder))];
  void vscode.commands.executeCommand('setContext', 'lambdaLayers.deployedFolders', folders);
}
