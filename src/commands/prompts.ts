import * as vscode from 'vscode';
import { CancelledError } from '../util/errors';

/** A quick pick with one item highlighted (the remembered choice); hiding it cancels. */
export async function pickOne<T extends vscode.QuickPickItem>(options: {
  title: string;
  placeholder: string;
  items: readonly T[];
  active?: T;
}): Promise<T> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = options.title;
  pick.placeholder = options.placeholder;
  pick.items = options.items;
  if (options.active) pick.activeItems = [options.active];
  return runPick(pick, () => pick.selectedItems[0]);
}

/** A multi-select quick pick with some items selected up front; accepting with none selected is allowed. */
export async function pickMany<T extends vscode.QuickPickItem>(options: {
  title: string;
  placeholder: string;
  items: readonly T[];
  selected: readonly T[];
}): Promise<T[]> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = options.title;
  pick.placeholder = options.placeholder;
  pick.canSelectMany = true;
  pick.items = options.items;
  pick.selectedItems = options.selected;
  return runPick(pick, () => [...pick.selectedItems]);
}

/** An input box; cancelling (Escape) throws `CancelledError`. */
export async function askText(options: vscode.InputBoxOptions): Promise<string> {
  const value = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  if (value === undefined) throw new CancelledError();
  return value.trim();
}

async function runPick<T extends vscode.QuickPickItem, R>(
  pick: vscode.QuickPick<T>,
  result: () => R | undefined,
): Promise<R> {
  try {
    return await new Promise<R>((resolve, reject) => {
      pick.onDidAccept(() => {
        const value = result();
        if (value !== undefined) resolve(value);
      });
      pick.onDidHide(() => reject(new CancelledError()));
      pick.show();
    });
  } finally {
    pick.dispose();
  }
}
