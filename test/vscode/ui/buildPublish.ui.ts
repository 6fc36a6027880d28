// The human path through building and publishing: Explorer context menu on requirements.txt, the prompts
// (runtime, architecture, name), the build summary's Publish with its prefilled prompts, the new version in
// the Layers view, and the build report webview. pip installs from the runner's offline wheelhouse.
import { BUILD_STALL_MS, type UiContext } from '../lib/ui';
import { publishBuilt } from './journey/steps';
import { textsFor } from './journey/texts';

const LAYER = 'demo-deps';

export default async function buildPublish(ui: UiContext): Promise<void> {
  const { workbench } = ui;
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
  const { toast: built, longestStepMs } = await workbench.waitForNotificationWhileProgressing(
    new RegExp(`Built layer ${LAYER}: 2 packages`),
    BUILD_STALL_MS,
  );
  ui.log(`build: longest step ${longestStepMs} ms (limit ${BUILD_STALL_MS} ms without progress)`);
  await ui.screenshot('built');

  // Publish from the summary: name, runtime and architecture come from the build; Enter accepts the prefilled rest.
  await publishBuilt(ui, textsFor('en'), built, LAYER);
  await ui.screenshot('published');

  await workbench.runCommand('Lambda Layers: Show Layer Build Report');
  await workbench.quickPick(new RegExp(`${LAYER}-python3\\.12-x86_64\\.zip\\s*$`));
  const report = workbench.activeWebview();
  await report.locator('h1', { hasText: `Layer ${LAYER}` }).waitFor();
  await report.locator('td.name', { hasText: 'itsdangerous' }).waitFor();
  ui.log(`screenshot: ${await ui.screenshot('report')}`);
}
