// The Node.js journey through the real UI, on the runner's local endpoint: Create Function from an ES module
// handler, Build Lambda Layer on package.json
// (npm installs from the runner's local registry for Lambda's Linux x64: the right platform twin, no dev
// dependencies), publish it, attach it to a nodejs22.x function whose ES module imports the package (the ESM
// warning shows the createRequire form before anything changes), test invoke and see the package's version, and
// the import probe for Node.js. Screenshots: .test-output/screenshots/nodeJourney-<locale>-<n>-<step>.png.
import { nativePackageSet, plainPackage, type NpmPackage } from '../../../fixtures/npmPackages';
import { BUILD_STALL_MS, type UiContext } from '../../lib/ui';
import { attachOwnLayer, invoke, numberedShots, publishBuilt } from '../journey/steps';
import { textsFor } from '../journey/texts';

const LAYER = 'node-deps';
const FUNCTION = 'node-esm-fn';
const GREETING_VERSION = '3.2.1';

/** What the workspace's package.json installs, served by the runner's local npm registry. */
export const NODE_PACKAGES: NpmPackage[] = [
  plainPackage('greeting', GREETING_VERSION),
  plainPackage('dev-only-tool', '1.0.0'),
  ...nativePackageSet('@demo/native', '1.4.0', [
    { os: 'linux', cpu: 'x64', libc: 'glibc' },
    { os: 'linux', cpu: 'arm64', libc: 'glibc' },
    { os: 'darwin', cpu: 'arm64' },
  ]),
];

export async function nodeJourney(ui: UiContext): Promise<void> {
  const { workbench } = ui;
  const tx = textsFor(ui.locale);
  const shot = numberedShots(ui, 'nodeJourney');

  // 1. Create the function from function/index.mjs (an ES module importing 'greeting' by its bare name): its
  //    exported handler is found, the runtimes offered are Node.js ones.
  await workbench.openViewContainer('lambdaLayers');
  await workbench.waitForViewContent(workbench.view(tx.nls('view.layers')));
  await workbench.runCommand('View: Show Explorer');
  await workbench.expandTreeItem('function');
  await workbench.contextMenu(workbench.treeItem('index.mjs'), tx.nls('command.createFunction'));
  await workbench.quickInputType(FUNCTION);
  await workbench.quickPick('nodejs22.x · x86_64');
  await workbench.quickPick(tx.t('Keep {0} MB and {1} s', 128, 3));
  await workbench.quickPick(tx.t('Create {0}', FUNCTION));
  await workbench.waitForNotification(
    tx.t('Created {0} ({1}, handler {2}).', FUNCTION, 'nodejs22.x', 'index.handler'),
    60_000,
  );
  await shot('create-function');

  // 2. Build: right-click package.json in the Explorer; Node.js runtimes only, since the source is package.json.
  await workbench.runCommand('View: Show Explorer');
  const packageJson = workbench.treeItem('package.json');
  await packageJson.waitFor();
  await workbench.contextMenu(packageJson, tx.nls('command.buildLayer'));
  const runtimes = await workbench.quickPickItems();
  if (runtimes.some((r) => r.startsWith('python')))
    throw new Error(`Python runtimes offered for package.json: ${runtimes}`);
  await workbench.quickPick('nodejs22.x');
  await workbench.quickPick('x86_64');
  await workbench.quickInputType(LAYER);
  const { toast: built, longestStepMs } = await workbench.waitForNotificationWhileProgressing(
    tx.pattern('Built layer {0}: {1}, {2} unzipped, {3} zipped, in {4} s.', LAYER),
    BUILD_STALL_MS,
  );
  ui.log(`build: longest step ${longestStepMs} ms (limit ${BUILD_STALL_MS} ms without progress)`);
  await shot('build');

  // 3. The build report lists the production packages: the x64 Linux twin, not the arm64 or macOS ones, no dev tool.
  await workbench.runCommand(`Lambda Layers: ${tx.nls('command.showBuildReport')}`);
  await workbench.quickPick(new RegExp(`${LAYER}-nodejs22\\.x-x86_64\\.zip\\s*$`));
  const report = workbench.activeWebview();
  await report.locator('td.name', { hasText: '@demo/native-linux-x64-gnu' }).waitFor();
  for (const absent of ['@demo/native-linux-arm64-gnu', '@demo/native-darwin-arm64', 'dev-only-tool'])
    if ((await report.locator('td.name', { hasText: absent }).count()) > 0)
      throw new Error(`the layer holds ${absent}`);
  await shot('report');

  // 4. Publish from the build summary (name, runtime and architecture prefilled).
  const published = await publishBuilt(ui, tx, built, LAYER);
  // The Fleet view, loaded before the layer existed, catches up with the publish by itself.
  const fleet = await workbench.expandView(tx.nls('view.fleet'));
  await workbench.treeItem(LAYER, fleet).waitFor({ timeout: 30_000 });
  await shot('publish');

  // 5. Attach to the ES module function: the confirmation carries the ESM warning with the createRequire form.
  await attachOwnLayer(ui, tx, published, LAYER, FUNCTION, (question) => {
    if (!question.includes('createRequire(import.meta.url)') || !question.includes("'greeting'"))
      throw new Error(`the attach confirmation has no ESM warning for 'greeting':\n${question}`);
    return shot('esm-warning');
  });
  await shot('attach');

  // 6. Test invoke: the handler answers with the version only the layer provides.
  await invoke(ui, tx, FUNCTION, GREETING_VERSION);
  await shot('invoke');

  // 7. Check Layer Imports: a Node.js probe function loads every package of the layer and reports its version.
  await workbench.openViewContainer('lambdaLayers');
  await workbench.contextMenu(
    workbench.treeItem(tx.t('Version {0}', 1), workbench.view(tx.nls('view.layers'))),
    tx.nls('command.checkLayerImports'),
  );
  await workbench.waitForNotification(tx.t('{0}: every package imports on the runtime.', `${LAYER}:1`), 120_000);
  const probe = workbench.activeWebview();
  await probe.getByText('@demo/native-linux-x64-gnu').first().waitFor();
  await probe.getByText(GREETING_VERSION).first().waitFor();
  await shot('import-check');
}
