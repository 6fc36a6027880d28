import * as path from 'node:path';
import * as vscode from 'vscode';
import { sharedFilePaths } from '../aws/profiles';
import type { ConnectionController } from './connectionController';
import { affectsConnection, readConnectionSettings } from './settings';

const DEBOUNCE_MS = 300;

/**
 * Reconnects when something the connection depends on changes: a `lambdaLayers.*` connection setting
 * (a picker often writes two at once, hence the debounce) or the shared AWS config/credentials files
 * (a new profile, `aws configure`), unless the user chose the local endpoint.
 */
export function watchConnectionInputs(connection: ConnectionController): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const reconnect = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void connection.connect(), DEBOUNCE_MS);
  };
  const onAwsFileChange = () => {
    if (readConnectionSettings().mode !== 'local') reconnect();
  };
  const files = [...new Set(Object.values(sharedFilePaths()))];
  const watchers = files.map((file) =>
    vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)),
    ),
  );
  const subscriptions: vscode.Disposable[] = [
    vscode.workspace.onDidChangeConfiguration((e) => affectsConnection(e) && reconnect()),
    ...watchers,
    ...watchers.flatMap((w) => [
      w.onDidCreate(onAwsFileChange),
      w.onDidChange(onAwsFileChange),
      w.onDidDelete(onAwsFileChange),
    ]),
  ];
  return new vscode.Disposable(() => {
    clearTimeout(timer);
    for (const s of subscriptions) s.dispose();
  });
}
