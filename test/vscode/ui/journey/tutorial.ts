// The tutorial's own function on an empty endpoint, as the first run offers it: the Functions view's welcome
// button writes and opens testFlaskLayer/lambda_function.py and creates testFlaskLayer from it; and the edit-run
// loop on that handler (the editor title's "Deploy and Invoke"). Shared by createDeploy.ui.ts and the
// installed-VSIX flows.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { UiContext } from '../../lib/ui';
import type { Texts } from './texts';

export const TUTORIAL_FUNCTION = 'testFlaskLayer';
const HANDLER_FILE = 'lambda_function.py';

/** "Create the Tutorial's Function" in the empty Functions view; waits for the function and its open handler. */
export async function createTutorialFunction(ui: UiContext, tx: Texts): Promise<void> {
  const { workbench } = ui;
  await workbench.openViewContainer('lambdaLayers');
  const functions = await workbench.expandView(tx.nls('view.functions'));
  await workbench.waitForViewContent(functions);
  await functions
    .locator('.welcome-view-content a.monaco-button', { hasText: tx.nls('command.createTutorialFunction') })
    .click();
  await workbench.waitForNotification(
    tx.t('Created {0} ({1}, handler {2}).', TUTORIAL_FUNCTION, 'python3.12', 'lambda_function.lambda_handler'),
    60_000,
  );
  await workbench.treeItem(TUTORIAL_FUNCTION, functions).waitFor();
  const title = await workbench.activeEditorTitle();
  if (title !== HANDLER_FILE) throw new Error(`the tutorial handler is not open (active editor: ${title})`);
}

/**
 * Writes `handler` over the tutorial's lambda_function.py (as an editor would save it), brings its tab to the
 * front and clicks the editor title's "Deploy and Invoke": no question (the folder is remembered from the
 * create). `edited` is a text of the new handler, `answer` a text of its response on the result page.
 */
export async function deployAndInvokeEdit(
  ui: UiContext,
  tx: Texts,
  handler: string,
  edited: string,
  answer: string,
): Promise<void> {
  const { workbench, page } = ui;
  await fs.writeFile(path.join(ui.workspace, TUTORIAL_FUNCTION, HANDLER_FILE), handler);
  await page.locator('.part.editor .tab', { hasText: HANDLER_FILE }).first().click();
  await workbench.activeEditor().locator('.view-line', { hasText: edited }).waitFor();
  const title = tx.nls('command.deployAndInvoke');
  await page
    .locator(`.part.editor .editor-group-container.active .editor-actions a.action-label[aria-label^="${title}"]`)
    .click();
  const result = workbench.activeWebview();
  await result.locator('h1', { hasText: TUTORIAL_FUNCTION }).waitFor({ timeout: 60_000 });
  await result.getByText(answer).first().waitFor();
}
