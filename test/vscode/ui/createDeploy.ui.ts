// The first run on an empty local endpoint: the Functions view's welcome offers the tutorial's function; the
// button writes and opens its handler and creates testFlaskLayer. Then the edit-run loop: the handler is edited
// and the editor title's "Deploy and Invoke" deploys it (no question: the folder is remembered) and shows the
// result page with the new answer. Screenshots of both are kept for people to look at.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { UiContext } from '../lib/ui';

const EDITED = `def lambda_handler(event, context):
    return {"edited": True}
`;

export default async function createDeploy(ui: UiContext): Promise<void> {
  const { workbench, page } = ui;
  await workbench.openViewContainer('lambdaLayers');
  const functions = await workbench.expandView('Functions');
  await workbench.waitForViewContent(functions);
  const welcome = functions.locator('.welcome-view-content');
  await welcome.locator('a.monaco-button', { hasText: "Create the Tutorial's Function" }).click();

  await workbench.waitForNotification(/Created testFlaskLayer \(python3\.12, handler lambda_function\.lambda_handler\)/, 60_000);
  await workbench.treeItem('testFlaskLayer', functions).waitFor();
  const title = await workbench.activeEditorTitle();
  if (title !== 'lambda_function.py') throw new Error(`the tutorial handler is not open (active editor: ${title})`);
  await ui.screenshot('created');

  await fs.writeFile(path.join(ui.workspace, 'testFlaskLayer', 'lambda_function.py'), EDITED);
  await workbench.activeEditor().locator('.view-line', { hasText: '"edited"' }).waitFor();
  const deployAndInvoke = page.locator('.part.editor .editor-group-container.active .editor-actions a.action-label[aria-label^="Deploy and Invoke"]');
  await deployAndInvoke.click();
  const result = workbench.activeWebview();
  await result.locator('h1', { hasText: 'testFlaskLayer' }).waitFor({ timeout: 60_000 });
  await result.getByText('"edited": true').first().waitFor();
  await ui.screenshot('deployed-and-invoked');
}
