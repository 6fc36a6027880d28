// The human path through building and publishing: Explorer context menu on requirements.txt, the prompts
// (runtime, architecture, name), the build summary's Publish with its prefilled prompts, the new version in
// the Layers view, and the build report webview. pip installs from the runner's offline wheelhouse.
import { BUILD_STALL_MS, type UiContext } from '../lib/ui';

const LAYER = 'demo-deps';

export default async function buildPublish(ui: UiContext): Promise<void> {
  const { workbench, page } = ui;
  // Connected first, so the menu item runs at once instead of waiting for the extension to activate.
  await workbench.openViewContainer('lambdaLayers');
  await workbench.waitForViewContent(workbench.view('Layers'));
  await workbench.runCommand('View: Show Explorer');
  const requirements = workbench.treeItem('requirements.txt');
  await requirements.waitFor();
  await workbench.contextMenu(requirements, 'Build Lambda Layer');

  // The demo workspace has one requirements file, so the prompts start with the runtime.
  await workbench.quickPick('python3.12');
  await workbench.quickPick('x86_64');
  await workbench.quickInputType(LAYER);
  const { toast: built, longestStepMs } = await workbench.waitForNotificationWhileProgressing(new RegExp(`Built layer ${LAYER}: 2 packages`), BUILD_STALL_MS);
  ui.log(`build: longest step ${longestStepMs} ms (limit ${BUILD_STALL_MS} ms without progress)`);
  await ui.screenshot('built');

  // Publish from the summary: every prompt is prefilled from the manifest, so Enter accepts each one.
  await workbench.clickNotificationButton(built, 'Publish');
  for (let step = 0; step < 5; step++) {
    await workbench.quickInput().locator('input').waitFor();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
  }
  await workbench.waitForNotification(new RegExp(`Published ${LAYER} version 1: arn:aws:lambda:`), 60_000);
  const layers = workbench.view('Layers');
  await workbench.treeItem('Version 1', layers).waitFor();
  await ui.screenshot('published');

  await workbench.runCommand('Lambda Layers: Show Layer Build Report');
  await workbench.quickPick(new RegExp(`${LAYER}-python3\\.12-x86_64\\.zip\\s*$`));
  const report = workbench.activeWebview();
  await report.locator('h1', { hasText: `Layer ${LAYER}` }).waitFor();
  await report.locator('td.name', { hasText: 'itsdangerous' }).waitFor();
  ui.log(`screenshot: ${await ui.screenshot('report')}`);
}
