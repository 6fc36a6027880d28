// The extension as a user installs it: the VSIX from `npm run package`, installed with --install-extension
// (the runner's `packaged` flows: no development extension, no lambdaLayers.* settings, no AWS credentials).
// It connects to its own built-in local endpoint, shows the Lambda Layers view, offers its walkthrough on the
// Welcome page, walks the tutorial on that endpoint (which starts empty), and its details page (Extensions view →
// Lambda Layers) is the product page, whose images load.
// Screenshots .test-output/screenshots/installedVsix-<locale>-<n>-<step>.png.
import * as fs from 'node:fs';
import type { UiContext } from '../../lib/ui';
import { PACKAGE_README, relativeImages } from '../../../../scripts/packageReadme';
import { attachOwnLayer, buildLayer, FLASK_VERSION, invoke, numberedShots, publishBuilt } from '../journey/steps';
import { textsFor } from '../journey/texts';
import { createTutorialFunction, deployAndInvokeEdit, TUTORIAL_FUNCTION } from '../journey/tutorial';

/** package.json's displayName in every language (package.nls*.json), as the Extensions view lists it. */
const DISPLAY_NAME = 'Lambda Layers';
const LAYER = 'flask-layer';
/** The tutorial's handler after an edit: still needs the layer's flask, and says it is the new code. */
const EDITED_HANDLER = `import flask


def lambda_handler(event, context):
    return {"flask_version": flask.__version__, "edited": True}
`;

export async function installedVsix(ui: UiContext): Promise<void> {
  const { workbench, page } = ui;
  const tx = textsFor(ui.locale);
  const shot = numberedShots(ui, 'installedVsix');

  // 1. The view, connected to the built-in endpoint: nobody configured one, and there are no credentials.
  const sideBar = await workbench.openViewContainer('lambdaLayers');
  for (const title of [tx.nls('view.layers'), tx.nls('view.functions')])
    await workbench.waitForViewContent(workbench.view(title));
  await workbench.statusBarItem(`${tx.t('Local')} @ `).waitFor({ timeout: 30_000 });
  await sideBar.locator('.pane').first().waitFor();
  await shot('view');

  // 2. The walkthrough is offered on the Welcome page (the workspace has a requirements.txt) and opens.
  await workbench.runCommand('Help: Welcome');
  const entry = page
    .locator('.part.editor button.getting-started-category', { hasText: tx.nls('walkthrough.title') })
    .first();
  // On a first start the page may open VS Code's own setup walkthrough; its back button leads to the list.
  const back = page.locator('.part.editor .gettingStartedContainer button.prev-button');
  await entry.or(back).first().waitFor({ timeout: 30_000 });
  if (!(await entry.isVisible())) await back.click();
  await entry.click();
  await page.locator('.getting-started-step').first().waitFor();
  await shot('walkthrough');

  // 3. The tutorial from the empty built-in endpoint: its function from the Functions view's welcome, the layer
  //    built from requirements.txt (pip installs from the runner's offline wheelhouse), published, attached,
  //    invoked; then the handler edited and deployed with "Deploy and Invoke".
  await createTutorialFunction(ui, tx);
  await shot('create-function');
  const built = await buildLayer(ui, tx, LAYER);
  await shot('build');
  const published = await publishBuilt(ui, tx, built, LAYER);
  await attachOwnLayer(ui, tx, published, LAYER, TUTORIAL_FUNCTION);
  await shot('attach');
  await invoke(ui, tx, TUTORIAL_FUNCTION);
  await shot('invoke');
  await deployAndInvokeEdit(ui, tx, EDITED_HANDLER, '"edited"', '"edited": true');
  await workbench.activeWebview().getByText(FLASK_VERSION).first().waitFor();
  await shot('deploy-and-invoke');

  // 4. The details page is docs/README.package.md, and every image in it has loaded.
  await workbench.runCommand('Extensions: Focus on Extensions View');
  const row = page
    .locator('.extensions-viewlet .monaco-list-row', { has: page.locator('.name', { hasText: DISPLAY_NAME }) })
    .first();
  await row.click();
  const details = workbench.activeWebview();
  const expected = relativeImages(fs.readFileSync(PACKAGE_README, 'utf8')).length;
  const images = details.locator('img');
  await images.nth(expected - 1).waitFor({ state: 'attached', timeout: 30_000 });
  const count = await images.count();
  if (count !== expected)
    throw new Error(`the details page shows ${count} images, docs/README.package.md has ${expected}`);
  const broken: string[] = [];
  for (let i = 0; i < count; i++) {
    // Settles on the image's own load or error event; naturalWidth stays 0 when it did not load.
    const { width, alt } = await images.nth(i).evaluate(IMAGE_SETTLED);
    if (!(width > 0)) broken.push(alt);
  }
  if (broken.length) throw new Error(`images that did not load on the details page: ${broken.join('; ')}`);
  await shot('details');

  // 5. No error line from the extension host: the workbench logs what it writes to stderr as `ERR [Extension
  //    Host] …` (the AWS SDK used to warn there at every activation that it "will require node >=22"; VS Code
  //    1.100's extension host runs Node 20).
  const errors = ui.consoleLines.filter((line) => line.startsWith('ERR [Extension Host]'));
  if (errors.length) throw new Error(`the extension host logged errors:\n${errors.join('\n')}`);
}

/** Structural type of the <img> the callback gets (the project's TypeScript has no DOM types). */
interface ImageElement {
  complete: boolean;
  naturalWidth: number;
  alt: string;
  addEventListener(type: 'load' | 'error', listener: () => void, options: { once: boolean }): void;
}

const IMAGE_SETTLED = async (element: unknown): Promise<{ width: number; alt: string }> => {
  const img = element as ImageElement;
  if (!img.complete) {
    await new Promise<void>((resolve) => {
      img.addEventListener('load', resolve, { once: true });
      img.addEventListener('error', resolve, { once: true });
    });
  }
  return { width: img.naturalWidth, alt: img.alt };
};
