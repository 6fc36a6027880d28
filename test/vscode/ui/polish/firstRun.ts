// A user's first start of the installed VSIX (fresh profile, no credentials, the built-in endpoint, empty): the
// walkthrough is offered once, opens with its Connect step already ticked, the empty Layers view offers the first
// steps, and "Use Local Endpoint" while already local says so. Screenshots firstRun-<locale>-<n>-<step>.png.
import type { UiContext } from '../../lib/ui';
import { numberedShots } from '../journey/steps';
import { textsFor } from '../journey/texts';

const OFFER =
  'New to Lambda Layers? The walkthrough builds a layer from requirements.txt, publishes, attaches and test-invokes it in a few minutes, offline too.';

export async function firstRun(ui: UiContext): Promise<void> {
  const { workbench, page } = ui;
  const tx = textsFor(ui.locale);
  const shot = numberedShots(ui, 'firstRun');

  // 1. The offer, on the first activation.
  await workbench.openViewContainer('lambdaLayers');
  const offer = await workbench.waitForNotification(tx.t(OFFER), 60_000);
  await shot('walkthrough-offered');

  // 2. It opens the walkthrough, whose Connect step is ticked by the connection alone. VS Code registers an
  //    extension's walkthrough up to 5 s after start (it waits for an experiment service that cannot answer
  //    here), and a first start shows its own setup walkthrough, which "open walkthrough" would only scroll:
  //    wait until Welcome: Open Walkthrough lists ours, and close the editors.
  await workbench.runCommand('Welcome: Open Walkthrough...');
  await workbench.quickInput().getByText(tx.nls('walkthrough.title'), { exact: true }).waitFor({ timeout: 30_000 });
  await page.keyboard.press('Escape');
  await workbench.runCommand('View: Close All Editors');
  await workbench.clickNotificationButton(offer, tx.t('Open Walkthrough'));
  await page.locator('.getting-started-step').first().waitFor();
  await page
    .locator('.getting-started-step[data-step-id$="#connect"] .codicon-getting-started-step-checked')
    .waitFor({ timeout: 30_000 });
  await shot('walkthrough-connect-ticked');

  // At 1600 px with the side bar open, no step's code or diagram is cut off.
  await page.setViewportSize({ width: 1600, height: 900 });
  const clipped: string[] = [];
  for (const id of ['connect', 'build', 'publish', 'createFunction', 'attach', 'invoke']) {
    await page.locator(`.getting-started-step[data-step-id$="#${id}"]`).click();
    const blocks = workbench.activeWebview().locator('pre');
    await blocks.first().waitFor();
    const cut = await blocks.evaluateAll(
      (pres) =>
        (pres as unknown as { scrollWidth: number; clientWidth: number }[]).filter(
          (p) => p.scrollWidth > p.clientWidth + 1,
        ).length,
    );
    if (cut > 0) clipped.push(`${id}: ${cut}`);
  }
  if (clipped.length) throw new Error(`walkthrough media cut off at 1600 px (step: blocks): ${clipped.join(', ')}`);
  await shot('walkthrough-1600');
  await page.setViewportSize({ width: 1280, height: 800 });

  // 3. The empty Layers view: buttons for the first steps, and a link to the walkthrough.
  await workbench.openViewContainer('lambdaLayers');
  const layers = workbench.view(tx.nls('view.layers'));
  await workbench.waitForViewContent(layers);
  const welcome = nlsLinks(tx.nls('welcome.noLayers'));
  for (const label of welcome)
    await layers.locator('.welcome-view-content').getByText(label, { exact: true }).first().waitFor();
  await shot('empty-layers-view');

  // 4. "Use Local Endpoint" while on the local endpoint says so.
  // The category is the product's name in every language.
  await workbench.runCommand(`Lambda Layers: ${tx.nls('command.useLocalEndpoint')}`);
  await workbench.waitForNotification(tx.pattern('Already using the local endpoint ({0}).', undefined));
  await shot('already-local');

  // 5. Offered once: after a reload (connected again), no offer.
  await page.reload();
  await workbench.waitReady();
  await workbench.openViewContainer('lambdaLayers');
  await workbench.statusBarItem(`${tx.t('Local')} @ `).waitFor({ timeout: 30_000 });
  await workbench.waitForViewContent(workbench.view(tx.nls('view.layers')));
  const offered = await workbench
    .notifications()
    .filter({ hasText: tx.t(OFFER) })
    .count();
  if (offered) throw new Error('the walkthrough was offered again after a reload');
}

/** The labels of the `[label](command:…)` links of a welcome text. */
function nlsLinks(contents: string): string[] {
  return [...contents.matchAll(/\[([^\]]+)\]\(command:/g)].map((m) => m[1]);
}
