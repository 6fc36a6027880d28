import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildCodeZip, type CodeZip } from '../../deploy/codeZip';
import type { Language } from '../../layer/runtimes';
import { allOutputDirectories } from '../../vscode/buildSettings';
import { CancelledError } from '../../util/errors';
import { formatBytes } from '../../util/format';

type Item = vscode.QuickPickItem & { confirm?: boolean };

/** Longest list of files shown; a function's code is usually a handful, a vendored tree can be thousands. */
const MAX_FILES = 500;

/**
 * What goes into the function's zip, before anything is uploaded: the files with their sizes and what was left
 * out. Only the first row (`action`) continues; Escape cancels.
 */
export async function confirmCodePreview(title: string, action: string, code: CodeZip): Promise<void> {
  const files: Item[] = code.files
    .slice(0, MAX_FILES)
    .map((f) => ({ label: `$(file) ${f.path}`, description: formatBytes(f.size) }));
  if (code.files.length > MAX_FILES)
    files.push({ label: vscode.l10n.t('…and {0} more', code.files.length - MAX_FILES) });
  const items: Item[] = [
    {
      label: `$(cloud-upload) ${action}`,
      description: vscode.l10n.t(
        'Files: {0}, {1} ({2} zipped)',
        code.files.length,
        formatBytes(code.totalSize),
        formatBytes(code.zip.length),
      ),
      confirm: true,
    },
    { label: vscode.l10n.t('In the zip'), kind: vscode.QuickPickItemKind.Separator },
    ...files,
  ];
  if (code.excluded.length > 0) {
    items.push({ label: vscode.l10n.t('Left out'), kind: vscode.QuickPickItemKind.Separator });
    items.push(...code.excluded.map((p) => ({ label: `$(circle-slash) ${p}` })));
  }
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = title;
  pick.placeholder = vscode.l10n.t('Check what goes into the function, then select "{0}"', action);
  pick.matchOnDescription = true;
  pick.items = items;
  try {
    await new Promise<void>((resolve, reject) => {
      pick.onDidAccept(() => pick.selectedItems[0]?.confirm && resolve());
      pick.onDidHide(() => reject(new CancelledError()));
      pick.show();
    });
  } finally {
    pick.dispose();
  }
}

/**
 * The folder's code zip (with a progress notification), leaving out the layer build output folders inside it too;
 * `language` is the function's (a Node.js function keeps its node_modules).
 */
export function zipFolder(folder: string, language?: Language): Promise<CodeZip> {
  const excludePaths = allOutputDirectories()
    .map((dir) => path.relative(folder, dir))
    .filter((rel) => rel && !rel.startsWith('..') && !path.isAbsolute(rel));
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Zipping {0}…', path.basename(folder)) },
      () => buildCodeZip(folder, { excludePaths, language }),
    ),
  );
}
