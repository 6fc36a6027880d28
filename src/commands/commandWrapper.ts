import * as vscode from 'vscode';
import { classifyAwsError, toUserError } from '../aws/errors';
import { UserError, errorMessage, isCancellation } from '../util/errors';
import type { Services } from '../services';
import { commandSucceeded } from '../vscode/walkthrough';

// Handlers declare their own argument types; VS Code passes whatever the caller (menu, palette, code) gave.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandHandler = (services: Services, ...args: any[]) => unknown;

/**
 * Registers a command whose handler runs inside `callWithErrorHandling`, receiving the services first.
 * Handlers signal a dismissed picker or dialog with `CancelledError`: returning normally counts as success
 * (it checks off the walkthrough step of that command).
 */
export function registerCommand(services: Services, id: string, handler: CommandHandler): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: unknown[]) =>
    callWithErrorHandling(services, id, async () => {
      const result = await handler(services, ...args);
      commandSucceeded(id);
      return result;
    }),
  );
}

/**
 * The one place failures of user actions are handled: cancellation is silent, a `UserError` (or an
 * AWS error, translated) shows its own message, anything else a short message with "Show Log".
 * Everything is logged with its detail. Never rethrows: the notification is the report, shown
 * without waiting for it. Returns the handler's result, or undefined when it failed.
 */
export async function callWithErrorHandling<T>(
  services: Pick<Services, 'log' | 'connection'>,
  id: string,
  fn: () => T | Promise<T>,
): Promise<T | undefined> {
  const { log, connection } = services;
  try {
    return await fn();
  } catch (e) {
    if (isCancellation(e)) {
      log.debug(`${id}: cancelled`);
      return undefined;
    }
    // Expired or missing credentials also switch the views to their sign-in welcome.
    connection.reportFailure(e);
    const error =
      e instanceof UserError || classifyAwsError(e) === 'unknown' ? e : toUserError(e, connection.errorContext());
    if (error instanceof UserError) {
      log.warn(`${id}: ${error.message}${error.detail ? `\n${error.detail}` : ''}`);
      void showErrorWithActions(error);
    } else {
      log.error(`${id} failed`, e);
      void showErrorWithLog(log, vscode.l10n.t('Lambda Layers: {0}', firstLine(errorMessage(e))));
    }
    return undefined;
  }
}

/** The error's own buttons run their command; the choice is not awaited by the failed command. */
async function showErrorWithActions(error: UserError): Promise<void> {
  const actions = error.actions ?? [];
  const choice = await vscode.window.showErrorMessage(error.message, ...actions.map((a) => a.title));
  const action = actions.find((a) => a.title === choice);
  if (action) await vscode.commands.executeCommand(action.command, ...(action.args ?? []));
}

async function showErrorWithLog(log: vscode.LogOutputChannel, message: string): Promise<void> {
  const showLog = vscode.l10n.t('Show Log');
  if ((await vscode.window.showErrorMessage(message, showLog)) === showLog) log.show();
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0].trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
