// The Node.js journey through the real UI, on the runner's local endpoint: Build Lambda Layer on package.json
// (npm installs from the runner's local registry for Lambda's Linux x64: the right platform twin, no dev
// dependencies), publish it, attach it to a nodejs22.x function whose ES module imports the package (the ESM
// warning shows the createRequire form before anything changes), test invoke and see the package's version, and
// the import probe for Node.js. Screenshots: .test-output/screenshots/nodeJourney-<locale>-<n>-<step>.png.
import { nativePackageSet, plainPackage, type NpmPackage } from '../../../fixtures/npmPackages';
import { createActiveFunction, lambdaClient, makeZip, TEST_CREDENTIALS, TEST_ROLE } from '../../../helpers/sandbox';
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

/** The function's code: an ES module importing the layer's package by its bare name. */
const HANDLER = `import greeting from 'greeting';
export const handler = async () => ({ greeting: greeting.version });
`;

export async function nodeJourney(ui: UiContext): Promise<void> {
  const { workbench } = ui;
  const tx = textsFor(ui.locale);
  const shot = numberedShots(ui, 'nodeJourney');
  if (!ui.endpoint) throw new Error("the Node.js journey needs the runner's local endpoint");
  await createNodeFunction(ui.endpoint);

  // 1. Build: right-click package.json in the Explorer; Node.js runtimes only, since the source is package.json.
  await workbench.openViewContainer('lambdaLayers');
  await workbench.waitForViewContent(workbench.view(tx.nls('view.layers')));
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

  // 2. The build report lists the production packages: the x64 Linux twin, not the arm64 or macOS ones, no dev tool.
  await workbench.runCommand(`Lambda Layers: ${tx.nls('command.showBuildReport')}`);
  await workbench.quickPick(new RegExp(`${LAYER}-nodejs22\\.x-x86_64\\.zip\\s*$`));
  const report = workbench.activeWebview();
  await report.locator('td.name', { hasText: '@demo/native-linux-x64-gnu' }).waitFor();
  for (const absent of ['@demo/native-linux-arm64-gnu', '@demo/native-darwin-arm64', 'dev-only-tool'])
    if ((await report.locator('td.name', { hasText: absent }).count()) > 0)
      throw new Error(`the layer holds ${absent}`);
  await shot('report');

  // 3. Publish from the build summary (name, runtime and architecture prefilled).
  const published = await publishBuilt(ui, tx, built, LAYER);
  await shot('publish');

  // 4. Attach to the ES module function: the confirmation carries the ESM warning with the createRequire form.
  await attachOwnLayer(ui, tx, published, LAYER, FUNCTION, (question) => {
    if (!question.includes('createRequire(import.meta.url)') || !question.includes("'greeting'"))
      throw new Error(`the attach confirmation has no ESM warning for 'greeting':\n${question}`);
    return shot('esm-warning');
  });
  await shot('attach');

  // 5. Test invoke: the handler answers with the version only the layer provides.
  await invoke(ui, tx, FUNCTION, GREETING_VERSION);
  await shot('invoke');
}

/** The function as the user deployed it earlier (Create Function is the Python journey's step). */
async function createNodeFunction(endpoint: string): Promise<void> {
  const client = lambdaClient({ url: endpoint, credentials: TEST_CREDENTIALS });
  try {
    await createActiveFunction(client, {
      FunctionName: FUNCTION,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: TEST_ROLE,
      Code: { ZipFile: makeZip([{ name: 'index.mjs', data: HANDLER }]) },
    });
  } finally {
    client.destroy();
  }
}
