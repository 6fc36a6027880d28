// Opens the "Lambda Layers" activity-bar view and keeps a screenshot of it for people to look at.
import type { UiContext } from '../lib/ui';

export default async function sidebar(ui: UiContext): Promise<void> {
  const sideBar = await ui.workbench.openViewContainer('lambdaLayers');
  // Its views (Layers, Functions) are panes; wait until each shows what the extension loaded.
  const panes = sideBar.locator('.pane');
  await panes.first().waitFor();
  for (let i = 0; i < (await panes.count()); i++) await ui.workbench.waitForViewContent(panes.nth(i));
  const file = await ui.screenshot('lambda-layers-view');
  ui.log(`screenshot: ${file}`);
}
