// The fleet flow (English and Chinese): two regions in scope from the Fleet view, a built zip published to both
// from the Explorer, the fleet page showing both regions, a dry run of the rollout and then the rollout with one
// canary checked by the import probe. Screenshots fleet[-zh-cn]-<n>-<step>.png.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { createActiveFunction, handlerZip, lambdaClient, pythonPackageLayer } from '../../../helpers/sandbox';
import type { UiContext } from '../../lib/ui';
import { textsFor } from '../journey/texts';

export const LAYER = 'fleet-demo';
const REGIONS = ['us-east-1', 'eu-west-1'];
const FUNCTIONS = ['orders-api', 'billing-worker'];

/** A layer zip with one importable package (top_level.txt names its module, so the import probe checks it). */
function packageZip(version: string): Buffer {
  return pythonPackageLayer('fleetdemo', version, [
    { name: `python/fleetdemo-${version}.dist-info/top_level.txt`, data: 'fleetdemo\n' },
  ]);
}

/** fleet-demo:1 and two functions on it in each region; the next build's zip in the workspace. */
async function seed(ui: UiContext): Promise<void> {
  if (!ui.endpoint) throw new Error('this flow needs the runner sandbox');
  for (const region of REGIONS) {
    const client = lambdaClient(ui.endpoint, region);
    try {
      const v1 = await client.send(
        new PublishLayerVersionCommand({
          LayerName: LAYER,
          CompatibleRuntimes: ['python3.12'],
          Content: { ZipFile: packageZip('1.0.0') },
        }),
      );
      for (const fn of FUNCTIONS) {
        await createActiveFunction(client, {
          FunctionName: fn,
          Runtime: 'python3.12',
          Handler: 'app.handler',
          Role: 'arn:aws:iam::123456789012:role/x',
          Code: {
            ZipFile: handlerZip(
              'import fleetdemo\n\ndef handler(event, context):\n    return fleetdemo.__version__\n',
              'app.py',
            ),
          },
          Layers: [v1.LayerVersionArn!],
        });
      }
    } finally {
      client.destroy();
    }
  }
  await fs.writeFile(join(ui.workspace, `${LAYER}.zip`), packageZip('2.0.0'));
}

/** A quick pick label as shown: the codicon of `$(icon) text` renders as an icon, not text. */
export function pickLabel(ui: UiContext, message: string): string {
  return textsFor(ui.locale)
    .t(message)
    .replace(/^\$\([^)]+\)\s*/, '');
}

/** Publish to Regions… on a zip in the Explorer, every prompt keeping its value, up to the "how to publish" pick. */
export async function publishToRegionsFromExplorer(ui: UiContext, zipName: string): Promise<void> {
  const { workbench, page } = ui;
  await workbench.runCommand('View: Show Explorer');
  const zip = workbench.treeItem(zipName);
  await zip.waitFor();
  await workbench.contextMenu(zip, textsFor(ui.locale).nls('command.publishToRegions'));
  for (let step = 1; step <= 5; step++) {
    await workbench
      .quickInput()
      .locator('.quick-input-title', { hasText: `(${step}/5)` })
      .waitFor();
    await page.keyboard.press('Enter');
  }
}

/**
 * Roll Out… from the command palette on `layer`, past the dry-run question. A page that just opened may take focus a
 * moment later, which hides a quick pick (seen once under load in zh-cn): the command then ended quietly, so it is
 * run again.
 */
export async function rollOutFromPalette(ui: UiContext, layer: string): Promise<void> {
  const { workbench } = ui;
  const run = pickLabel(ui, '$(play) Roll Out…');
  for (let attempt = 1; ; attempt++) {
    await workbench.runCommand(`Lambda Layers: ${textsFor(ui.locale).nls('command.rollOut')}`);
    await workbench.quickPick(layer);
    if (await workbench.quickPickShows(run, 15_000)) break;
    if (attempt === 2) throw new Error('the Roll Out… choice was hidden twice');
  }
  await workbench.quickPick(run);
}

/**
 * Automatic canaries, `count` of them: typed only once the count's input box shows (its prompt names `max`), since
 * typing while the previous pick is still closing can land in it and leave the suggested count in place.
 */
export async function automaticCanaries(ui: UiContext, count: number, max: number): Promise<void> {
  const { workbench } = ui;
  const tx = textsFor(ui.locale);
  await workbench.quickPick(tx.t('Automatic canaries'));
  await workbench
    .quickInput()
    .locator('.quick-input-message', { hasText: tx.t('How many canaries (1 to {0})', max) })
    .waitFor();
  await workbench.quickInputType(String(count));
}

export async function fleet(ui: UiContext): Promise<void> {
  const { workbench, page } = ui;
  const tx = textsFor(ui.locale);
  const label = (message: string) => pickLabel(ui, message);
  let shots = 0;
  const shot = async (name: string) => ui.log(`screenshot: ${await ui.screenshot(`${++shots}-${name}`)}`);
  await seed(ui);

  // 1. Select Regions… in the Fleet view: us-east-1 (the connection's) is ticked, add eu-west-1.
  await workbench.openViewContainer('lambdaLayers');
  const fleetView = await workbench.expandView(tx.nls('view.fleet'));
  await workbench.waitForViewContent(fleetView);
  await workbench.clickAction(fleetView, tx.nls('command.selectScope'));
  await workbench
    .quickInput()
    .locator('.quick-input-title', { hasText: tx.t('Fleet Scope') })
    .waitFor();
  await workbench.quickInputType('eu-west-1', false);
  // In a multi-select pick a click on the row toggles its check box.
  await workbench.quickInput().locator('.monaco-list-row', { hasText: 'eu-west-1' }).first().click();
  await workbench.quickInputType('', false);
  await workbench.quickInput().locator('.monaco-list-row[aria-checked="true"]', { hasText: 'us-east-1' }).waitFor();
  await page.keyboard.press('Enter');
  await workbench.statusBarItem(`${tx.t('Local')} @ ${tx.t('{0} regions', 2)}`).waitFor();
  // A region row becomes expandable once its inventory has arrived (while loading it is a spinner row).
  for (const region of REGIONS)
    await workbench.treeItem(region, fleetView).locator('.monaco-tl-twistie.collapsible').waitFor({ timeout: 30_000 });
  for (const region of REGIONS) await workbench.expandTreeItem(region, fleetView);
  await workbench.treeItem(LAYER, fleetView).first().waitFor();
  await workbench.waitForViewContent(fleetView);
  await shot('scope');

  // 2. Publish to Regions… on the built zip in the Explorer: every prompt keeps its value, no alignment.
  await publishToRegionsFromExplorer(ui, `${LAYER}.zip`);
  await workbench.quickPick(tx.t('Publish where the zip is not yet the newest version'));
  await workbench.waitForNotification(tx.pattern('Published {0}: {1}', LAYER), 60_000);

  // 3. The fleet page: both regions, version 2 newest with the same content, the functions one behind.
  const fleetPage = workbench.activeWebview();
  await fleetPage.locator('h1', { hasText: tx.t('Fleet: {0}', LAYER) }).waitFor({ timeout: 30_000 });
  for (const region of REGIONS)
    await fleetPage.locator(`tr[data-region="${region}"][data-version="2"]`).waitFor({ timeout: 30_000 });
  await fleetPage.locator('#same-content', { hasText: tx.t('Same content everywhere') }).waitFor();
  await workbench.openViewContainer('lambdaLayers');
  await shot('fleet-page');

  // 4. Roll Out… from the page: the dry run's plan first.
  await fleetPage.locator('button[data-action="rollOut"]').click();
  await workbench.quickPick(label('$(list-flat) Dry Run: show the plan'));
  const plan = workbench.activeWebview();
  await plan.locator('h1', { hasText: tx.t('Rollout plan: {0}', LAYER) }).waitFor({ timeout: 30_000 });
  const planned = await plan.locator('#rollout-table tbody tr').count();
  if (planned !== 4) throw new Error(`the plan has ${planned} functions, not 4`);
  await shot('plan');

  // 5. The rollout: one automatic canary, the import probe as smoke test, confirmed in the modal.
  await rollOutFromPalette(ui, LAYER);
  await automaticCanaries(ui, 1, 4);
  await workbench.quickPick(label('$(beaker) Import probe'));
  await workbench.dialog().waitFor();
  await shot('confirm');
  await workbench.clickDialogButton(tx.t('Roll Out'));
  await workbench.waitForNotification(tx.pattern('Rolled out {0}: {1}', LAYER), 120_000);
  const result = workbench.activeWebview();
  await result.locator('h1', { hasText: tx.t('Rollout: {0}', LAYER) }).waitFor({ timeout: 30_000 });
  const updated = await result.locator('#rollout-table .badge.ok').count();
  if (updated !== 4) throw new Error(`${updated} functions updated, not 4`);
  await result.locator('#rollout-table .badge.info', { hasText: tx.t('canary') }).waitFor();
  await shot('rolled-out');
}
