// A newcomer's whole journey through the real UI, on the runner's local endpoint: build a layer from the
// workspace's requirements.txt (Explorer context menu, pickers answered through the UI; pip installs from the
// runner's offline wheelhouse), publish it, create a function from the workspace's handler.py, attach it to a function, attach a public layer of another account
// by ARN, test invoke and see the package version, and the walkthrough with its steps checked off.
// A screenshot per step: .test-output/screenshots/journey-<locale>-<n>-<step>.png.
import { publishPublicLayer, pythonPackageLayer } from '../../../helpers/sandbox';
import type { Locator } from 'playwright-core';
import { BUILD_STALL_MS, type UiContext } from '../../lib/ui';
import { TEST_WHEELS } from '../../lib/wheelhouse';
import { textsFor, type Texts } from './texts';

export const LAYER = 'journey-deps';
export const FUNCTION = 'journey-fn';
/** Stands in for AWS SDK for pandas: published in the sandbox under AWS's account for public layers. */
const PUBLIC_ACCOUNT = '336392948345';
const PUBLIC_LAYER = 'AWSSDKPandas-Python312';

export async function journey(ui: UiContext): Promise<void> {
  const { workbench, page } = ui;
  const tx = textsFor(ui.locale);
  const shot = numberedShots(ui, 'journey');
  if (!ui.endpoint) throw new Error("the journey needs the runner's local endpoint");
  const publicArn = await publishStandInPublicLayer(ui.endpoint);

  // 0. A newcomer starts from the walkthrough. VS Code checks a step off only when its event happens while the
  //    walkthrough service is alive (it is created when a walkthrough or the welcome page first opens).
  await openWalkthrough(ui, tx);
  await shot('walkthrough-start');

  // 1. Create the function from the workspace's handler: right-click handler.py in the Explorer. Its one
  //    (event, context) function is the handler; the runtime and memory are the defaults; then the zip's preview.
  await workbench.runCommand('View: Show Explorer');
  const handlerFile = workbench.treeItem('handler.py');
  await handlerFile.waitFor();
  await workbench.contextMenu(handlerFile, tx.nls('command.createFunction'));
  await workbench.quickInputType(FUNCTION);
  await workbench.quickPick('python3.12 · x86_64');
  await workbench.quickPick(tx.t('Keep {0} MB and {1} s', 128, 3));
  await workbench.quickPick(tx.t('Create {0}', FUNCTION));
  await workbench.waitForNotification(
    tx.t('Created {0} ({1}, handler {2}).', FUNCTION, 'python3.12', 'handler.handler'),
    60_000,
  );
  await ui.screenshot('create-function');

  // 2. Build: right-click requirements.txt in the Explorer.
  const built = await buildLayer(ui, tx, LAYER);
  await shot('build');

  // 3. Publish from the build summary; every prompt is prefilled from the build's manifest.
  const published = await publishBuilt(ui, tx, built, LAYER);
  await shot('publish');

  // 4. Attach it from the publish notification.
  await attachOwnLayer(ui, tx, published, LAYER, FUNCTION);
  await shot('attach');

  // 5. A public layer of another account, by ARN, from the function's context menu.
  const functions = workbench.view(tx.nls('view.functions'));
  await workbench.contextMenu(workbench.treeItem(FUNCTION, functions), tx.nls('command.attachLayerByArn'));
  await workbench.quickInputType(publicArn);
  const details = await workbench.dialogText();
  for (const expected of [
    tx.t('Attach {0} to {1}?', `${PUBLIC_LAYER}:1`, FUNCTION),
    tx.t('Account: {0} (external)', PUBLIC_ACCOUNT),
    tx.t('Runtimes: {0}', 'python3.12'),
  ]) {
    if (!details.includes(expected)) throw new Error(`the confirmation does not say "${expected}":\n${details}`);
  }
  await shot('attach-by-arn');
  await workbench.clickDialogButton(tx.t('Attach'));
  await workbench.waitForNotification(tx.t('Attached {0} to {1}.', `${PUBLIC_LAYER}:1`, FUNCTION), 60_000);
  await workbench.expandTreeItem(FUNCTION, functions);
  const external = workbench.treeItem(`${PUBLIC_LAYER}:1`, functions);
  await external.locator('.label-description', { hasText: tx.t('external') }).waitFor();
  await workbench.treeItem(`${LAYER}:1`, functions).waitFor();
  await shot('external-layer');

  // 6. Test invoke: the demo handler returns the version of flask, which only the layer provides.
  await invoke(ui, tx, FUNCTION);
  await shot('invoke');

  // 7. The walkthrough, every step checked off by what the journey did.
  await openWalkthrough(ui, tx);
  const open: string[] = [];
  for (const id of ['connect', 'build', 'publish', 'createFunction', 'attach', 'invoke']) {
    const done = page.locator(`.getting-started-step[data-step-id$="#${id}"] .codicon-getting-started-step-checked`);
    if (
      !(await done.waitFor({ timeout: 5_000 }).then(
        () => true,
        () => false,
      ))
    )
      open.push(id);
  }
  if (open.length) throw new Error(`walkthrough steps not checked off: ${open.join(', ')}`);
  await shot('walkthrough');
}

/**
 * A screenshot function for one flow: .test-output/screenshots/<prefix>-<locale>-<n>-<step>.png, numbered in
 * the order taken.
 */
export function numberedShots(ui: UiContext, prefix: string): (step: string) => Promise<void> {
  let shots = 0;
  return async (step) => {
    // Finished progress notifications fade out; let them go so the picture shows the result.
    await ui.page
      .locator('.notifications-toasts .monaco-progress-container.active')
      .first()
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(() => undefined);
    await ui.page.waitForTimeout(500);
    ui.log(`screenshot: ${await ui.workbench.screenshot(`${prefix}-${ui.locale}-${++shots}-${step}`)}`);
  };
}

/** Build Layer on the Explorer's requirements.txt for python3.12 x86_64; resolves to the build summary toast. */
export async function buildLayer(ui: UiContext, tx: Texts, layer: string): Promise<Locator> {
  const { workbench } = ui;
  await workbench.runCommand('View: Show Explorer');
  const requirements = workbench.treeItem('requirements.txt');
  await requirements.waitFor();
  await workbench.contextMenu(requirements, tx.nls('command.buildLayer'));
  await workbench.quickPick('python3.12');
  await workbench.quickPick('x86_64');
  await workbench.quickInputType(layer);
  const { toast, longestStepMs } = await workbench.waitForNotificationWhileProgressing(
    tx.pattern('Built layer {0}: {1}, {2} unzipped, {3} zipped, in {4} s.', layer),
    BUILD_STALL_MS,
  );
  ui.log(`build: longest step ${longestStepMs} ms (limit ${BUILD_STALL_MS} ms without progress)`);
  return toast;
}

/**
 * "Publish" on the build summary, every prompt answered with its prefilled value (name, runtime and architecture
 * come from the build; the rest is asked); resolves to the publish toast.
 */
export async function publishBuilt(ui: UiContext, tx: Texts, built: Locator, layer: string): Promise<Locator> {
  const { workbench, page } = ui;
  await workbench.clickNotificationButton(built, tx.t('Publish'));
  // Each prompt's title counts the steps ("Publish Lambda Layer: deps (1/2)"): Enter only once that step is showing.
  const title = workbench.quickInput().locator('.quick-input-title');
  await title.filter({ hasText: /\(1\/\d+\)/ }).waitFor();
  const steps = Number(/\(1\/(\d+)\)/.exec(await title.innerText())![1]);
  for (let step = 1; step <= steps; step++) {
    await title.filter({ hasText: `(${step}/${steps})` }).waitFor();
    await page.keyboard.press('Enter');
  }
  const published = await workbench.waitForNotification(tx.pattern('Published {0} version {1}: {2}', layer, 1), 60_000);
  await workbench.treeItem(tx.t('Version {0}', 1), workbench.view(tx.nls('view.layers'))).waitFor();
  return published;
}

async function openWalkthrough(ui: UiContext, tx: Texts): Promise<void> {
  await ui.workbench.runCommand('Welcome: Open Walkthrough...');
  await ui.workbench.quickPick(tx.nls('walkthrough.title'));
  await ui.page.locator('.getting-started-step').first().waitFor();
}

/**
 * "Attach to Functions…" on the publish notification: pick the function, confirm; `check` sees the confirmation's
 * text first (warnings).
 */
export async function attachOwnLayer(
  ui: UiContext,
  tx: Texts,
  published: Locator,
  layer: string,
  fn: string,
  check?: (question: string) => Promise<void>,
): Promise<void> {
  const { workbench, page } = ui;
  await workbench.clickNotificationButton(published, tx.t('Attach to Functions…'));
  await workbench.quickPick(new RegExp(`${fn}\\s*$`));
  await page.keyboard.press('Enter');
  const question = await workbench.dialogText();
  if (!question.includes(tx.t('Attach {0} to {1}?', `${layer}:1`, fn)))
    throw new Error(`unexpected confirmation:\n${question}`);
  await check?.(question);
  await workbench.clickDialogButton(tx.t('Attach'));
  await workbench.waitForNotification(tx.t('Attached {0} to {1}.', `${layer}:1`, fn), 60_000);
  const functions = workbench.view(tx.nls('view.functions'));
  await workbench.expandTreeItem(fn, functions);
  await workbench.treeItem(`${layer}:1`, functions).waitFor();
}

/** The flask version the offline wheelhouse serves: the demo handlers return it only when the layer is attached. */
export const FLASK_VERSION = TEST_WHEELS.find((w) => w.name === 'flask')!.version;

/** "Test Invoke…" on the function with the empty event; the result page shows the handler's response. */
export async function invoke(ui: UiContext, tx: Texts, fn: string, expected = FLASK_VERSION): Promise<void> {
  const { workbench } = ui;
  const functions = workbench.view(tx.nls('view.functions'));
  await workbench.contextMenu(workbench.treeItem(fn, functions), tx.nls('command.invokeFunction'));
  await workbench.quickPick(tx.t('$(json) Empty event').replace('$(json)', '').trim());
  const page = workbench.activeWebview();
  await page.getByText(tx.t('Succeeded')).first().waitFor({ timeout: 60_000 });
  await page.getByText(expected).first().waitFor();
}

/** The sandbox takes a 12-digit access key id as that account: a layer only another account owns, granted to everyone. */
function publishStandInPublicLayer(endpoint: string): Promise<string> {
  return publishPublicLayer(endpoint, PUBLIC_ACCOUNT, {
    LayerName: PUBLIC_LAYER,
    Description: 'AWS SDK for pandas (stand-in)',
    Content: { ZipFile: pythonPackageLayer('awswrangler', '3.9.1') },
    CompatibleRuntimes: ['python3.12'],
    CompatibleArchitectures: ['x86_64', 'arm64'],
    LicenseInfo: 'Apache-2.0',
  });
}
