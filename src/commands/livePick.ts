import * as vscode from 'vscode';
import { CancelledError } from '../util/errors';

/**
 * A quick pick whose items follow a changing source (the explorer model while it loads), busy until
 * `busy()` is false. Resolves with the accepted item; hiding it rejects with `CancelledError`.
 */
export async function pickLive<T extends vscode.QuickPickItem>(options: {
  title: string;
  placeholder: string;
  items: () => readonly T[];
  busy: () => boolean;
  onDidChange: (listener: () => void) => { dispose(): void };
}): Promise<T> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = options.title;
  pick.placeholder = options.placeholder;
  pick.matchOnDescription = true;
  const update = () => {
    pick.items = options.items();
    pick.busy = options.busy();
  };
  update();
  const subscription = options.onDidChange(update);
  try {
    return await new Promise<T>((resolve, reject) => {
      pick.onDidAccept(() => {
        const [picked] = pick.selectedItems;
        if (picked) resolve(picked);
      });
      pick.onDidHide(() => reject(new CancelledError()));
      pick.show();
    });
  } finally {
    subscription.dispose();
    pick.dispose();
  }
}
