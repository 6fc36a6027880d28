import * as vscode from 'vscode';

/** Sets the progress message; `increment` (percent of the whole) moves the bar. */
export type ReportProgress = (message: string, increment?: number) => void;

/**
 * Runs `work` under a notification with a Cancel button; cancelling aborts the signal handed to the
 * pure engines, which then throw a `CancelledError` (silent in the command wrapper).
 */
export function withCancellableProgress<T>(
  title: string,
  work: (report: ReportProgress, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          return await work((message, increment) => progress.report({ message, increment }), controller.signal);
        } finally {
          subscription.dispose();
        }
      },
    ),
  );
}
