// Opens the "Lambda Layers" activity-bar view and keeps a screenshot of it for people to look at.
import type { UiContext } from '../lib/ui';

export default async function sidebar(ui: UiContext): Promise<void> {
  const sideBar = await ui.workbench.openViewContainer('lambdaLayers');
  // Its views (Layers, Functions) are panes; wait until the first one shows what the extension provides.
  await ui.workbench.waitForViewContent(sideBar.locator('.pane').first());
  const file = await ui.screenshot('lambda-layers-view');
  ui.log(`screenshot: ${file}`);
}
