// What a newcomer stumbled on in the first hour (issue 19), each checked where a user sees it, on the runner's
// local endpoint with its offline wheelhouse. Screenshots polish-<locale>-<n>-<step>.png.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import {
  createActiveFunction,
  handlerZip,
  lambdaClient,
  pythonPackageLayer,
  TEST_ROLE,
} from '../../../helpers/sandbox';
import type { UiContext } from '../../lib/ui';
import { numberedShots } from '../journey/steps';
import { textsFor, type Texts } from '../journey/texts';

type Shot = (step: string) => Promise<void>;

export async function polish(ui: UiContext): Promise<void> {
  const tx = textsFor(ui.locale);
  const shot = numberedShots(ui, 'polish');
  await emptyRequirements(ui, tx, shot);
  await buildErrors(ui, tx, shot);
  await probeAndDelete(ui, tx, shot);
  await attachAndDetach(ui, tx, shot);
}

/**
 * A layer version ARN that does not exist is reported fact first (Attach Layer by ARN); the attach question names
 * the function once; "Attached" and "Detached" are both notifications offering Test Invoke.
 */
async function attachAndDetach(ui: UiContext, tx: Texts, shot: Shot): Promise<void> {
  const { workbench, page } = ui;
  const layers = workbench.view(tx.nls('view.layers'));
  const functions = workbench.view(tx.nls('view.functions'));
  const missing = 'arn:aws:lambda:us-east-1:123456789012:layer:no-such-layer:9';
  await workbench.contextMenu(workbench.treeItem('lonely-fn', functions), tx.nls('command.attachLayerByArn'));
  await workbench.quickInputType(missing);
  const problem = tx.t(
    'This layer version does not exist: {0}. Check the account, the layer name and the version; deleted versions cannot be attached.',
    missing,
  );
  await workbench.quickInput().getByText(problem).first().waitFor({ timeout: 30_000 });
  await shot('attach-by-arn-missing');
  await page.keyboard.press('Escape');

  await workbench.contextMenu(workbench.treeItem(tx.t('Version {0}', 1), layers), tx.nls('command.attachLayer'));
  await workbench.quickPick(/lonely-fn\s*$/);
  await page.keyboard.press('Enter');
  const question = await workbench.dialogText();
  if (question.split('lonely-fn').length !== 2)
    throw new Error(`the confirmation should name the function once:\n${question}`);
  await workbench.clickDialogButton(tx.t('Attach'));
  const attached = await workbench.waitForNotification(
    tx.t('Attached {0} to {1}.', 'probed-deps:1', 'lonely-fn'),
    60_000,
  );
  await attached.locator('a.monaco-button', { hasText: tx.t('Test Invoke') }).waitFor();
  await shot('attached-test-invoke');
  await workbench.clearNotifications();
  await workbench.expandTreeItem('lonely-fn', functions);
  await workbench.contextMenu(workbench.treeItem('probed-deps:1', functions), tx.nls('command.detachLayer'));
  await workbench.clickDialogButton(tx.t('Detach'));
  const detached = await workbench.waitForNotification(
    tx.t('Detached {0} from {1}.', 'probed-deps:1', 'lonely-fn'),
    60_000,
  );
  await detached.locator('a.monaco-button', { hasText: tx.t('Test Invoke') }).waitFor();
  await shot('detached-notification');
  await workbench.clearNotifications();
}

const PROBE = 'lambda-layers-probe-python312-x86_64';

/**
 * Item 3 and the delete dialogs: Check Layer Imports on the local endpoint says what it ran on (not "the real
 * runtime") and offers to delete its probe; until then the probe is marked in the version's count ("1 function
 * (+ import probe)"), in the Functions view, under Used by and in the delete warning, where Enter keeps the
 * version (Don't Delete is the default button). Deleting the probe leaves the layer's one real user.
 */
async function probeAndDelete(ui: UiContext, tx: Texts, shot: Shot): Promise<void> {
  const { workbench, page } = ui;
  if (!ui.endpoint) throw new Error('this flow needs the runner sandbox');
  const client = lambdaClient(ui.endpoint);
  try {
    const published = await client.send(
      new PublishLayerVersionCommand({
        LayerName: 'probed-deps',
        CompatibleRuntimes: ['python3.12'],
        CompatibleArchitectures: ['x86_64'],
        Content: { ZipFile: pythonPackageLayer('probed', '1.0') },
      }),
    );
    for (const name of ['user-fn', 'lonely-fn']) {
      const layers = name === 'lonely-fn' ? [] : [published.LayerVersionArn!];
      await createActiveFunction(client, {
        FunctionName: name,
        Runtime: 'python3.12',
        Handler: 'lambda_function.handler',
        Role: TEST_ROLE,
        Code: { ZipFile: handlerZip('def handler(e, c):\n    return 1\n') },
        Layers: layers,
      });
    }
  } finally {
    client.destroy();
  }
  await workbench.openViewContainer('lambdaLayers');
  const layers = workbench.view(tx.nls('view.layers'));
  const functions = workbench.view(tx.nls('view.functions'));
  await workbench.clickAction(layers, tx.nls('command.refresh'));
  await workbench.expandTreeItem('probed-deps', layers);
  const version = workbench.treeItem(tx.t('Version {0}', 1), layers);

  await workbench.contextMenu(version, tx.nls('command.checkLayerImports'));
  const checked = await workbench.waitForNotification(
    tx.t('{0}: every package imports on the runtime.', 'probed-deps:1'),
    120_000,
  );
  await checked.locator('a.monaco-button', { hasText: tx.t('Delete Probe Function') }).waitFor();
  await workbench
    .activeWebview()
    .getByText(
      tx.t(
        "Each package of the layer was imported by a probe function on the local endpoint: this machine's Python, not Lambda's runtime.",
      ),
    )
    .waitFor();
  await shot('import-check-local');
  await workbench.clearNotifications();

  await version
    .locator('.label-description', { hasText: tx.t('{0} (+ import probe)', tx.t('1 function')) })
    .waitFor({ timeout: 30_000 });
  // Its date is written as the display language writes dates (published just now, on this machine's clock).
  await version.locator('.label-description', { hasText: new Date().toLocaleDateString(ui.locale) }).waitFor();
  await workbench
    .treeItem(PROBE, functions)
    .locator('.label-description', { hasText: tx.t('import probe') })
    .waitFor();
  // Under "Used by" the probe is marked too, and a row's tooltip gives its whole name.
  await workbench.expandTreeItem(tx.t('Version {0}', 1), layers);
  await workbench.expandTreeItem(tx.t('Used by ({0})', 2), layers);
  const probeRow = workbench.treeItem(PROBE, layers);
  await probeRow.locator('.label-description', { hasText: tx.t('import probe') }).waitFor();
  await probeRow.hover();
  await page
    .locator('.monaco-hover', { hasText: tx.t('{0}: the probe function of Check Layer Imports', PROBE) })
    .first()
    .waitFor();
  await shot('probe-marked');

  await workbench.contextMenu(version, tx.nls('command.deleteLayerVersion'));
  const warning = await workbench.dialogText();
  if (!warning.includes(tx.t('{0} (the probe function of Check Layer Imports)', PROBE)))
    throw new Error(`the delete warning does not mark the probe:\n${warning}`);
  const focused = workbench.dialog().locator('.dialog-buttons a.monaco-button:focus');
  await focused.waitFor();
  if ((await focused.innerText()).trim() !== tx.t("Don't Delete"))
    throw new Error(`the default button is "${await focused.innerText()}"`);
  await shot('delete-safe-default');
  await page.keyboard.press('Enter');
  await workbench.dialog().waitFor({ state: 'detached' });

  // The probe goes (its dialog too defaults to Don't Delete), and the version counts its one user.
  await workbench.runCommand(`Lambda Layers: ${tx.nls('command.deleteProbeFunction')}`);
  await workbench.quickPick(PROBE);
  await workbench.clickDialogButton(tx.t('Delete'));
  await workbench.treeItem(PROBE, functions).waitFor({ state: 'detached', timeout: 30_000 });
  await version
    .locator('.label-description', { hasText: new RegExp(`^${tx.t('1 function')} · `) })
    .waitFor({ timeout: 30_000 });
}

/** Item 2: an empty requirements file is caught before any question, the fact first, with a way to open it. */
async function emptyRequirements(ui: UiContext, tx: Texts, shot: Shot): Promise<void> {
  const { workbench } = ui;
  fs.writeFileSync(path.join(ui.workspace, 'requirements-empty.txt'), '# nothing yet\n');
  await buildFromExplorer(ui, tx, 'requirements-empty.txt');
  const error = await workbench.waitForNotification(
    tx.t('The requirements file lists no packages: {0}', 'requirements-empty.txt'),
  );
  if (await workbench.quickInput().isVisible())
    throw new Error('the build asked a question before saying the file is empty');
  await shot('empty-requirements');
  await workbench.clickNotificationButton(error, tx.t('Open File'));
  await ui.page
    .locator('.part.editor .editor-group-container.active .tab.active .label-name', {
      hasText: 'requirements-empty.txt',
    })
    .waitFor();
  await workbench.clearNotifications();
}

/** Starts "Build Lambda Layer" on a workspace file through the Explorer's context menu. */
async function buildFromExplorer(ui: UiContext, tx: Texts, file: string): Promise<void> {
  const { workbench } = ui;
  await workbench.runCommand('View: Show Explorer');
  // The flow writes its files behind the Explorer's back; its file watcher may not have reported them yet.
  await workbench.clickAction(workbench.sideBar().locator('.pane').first(), 'Refresh Explorer');
  const item = workbench.treeItem(file);
  await item.waitFor();
  await workbench.contextMenu(item, tx.nls('command.buildLayer'));
}

/** Item 1: a build that finds nothing says which of "no such name", "nothing for this runtime" it is, with fixes. */
async function buildErrors(ui: UiContext, tx: Texts, shot: Shot): Promise<void> {
  const { workbench } = ui;
  fs.writeFileSync(path.join(ui.workspace, 'requirements-glibc.txt'), 'glibcnew==2.4.0\n');
  fs.writeFileSync(path.join(ui.workspace, 'requirements-typo.txt'), 'nosuchpkg==1.0\n');

  // glibcnew 2.4.0 has only a manylinux_2_28 wheel: nothing for python3.11 (glibc 2.26), a wheel for python3.12.
  await buildFromExplorer(ui, tx, 'requirements-glibc.txt');
  await workbench.quickPick('python3.11');
  await workbench.quickPick('x86_64');
  await workbench.quickInputType('glibc-layer');
  const error = await workbench.waitForNotification(
    tx.pattern(
      '{0} {1} has no wheel that loads on {2} ({3}): {4}. To fix it: {5}.',
      'glibcnew',
      '2.4.0',
      'python3.11',
      'x86_64',
    ),
    120_000,
  );
  await error
    .getByText(
      tx.t(
        'its wheels for {0} need glibc 2.{1} or newer (manylinux_2_{1}), and {2} runs on glibc 2.{3}',
        'x86_64',
        28,
        'python3.11',
        26,
      ),
    )
    .waitFor();
  await shot('build-error-no-wheel-for-runtime');
  await workbench.clickNotificationButton(error, tx.t('Build for {0}', 'python3.12'));
  // The build for python3.12 asks nothing more, and says its packages are the stand-in wheels.
  const built = await workbench.waitForNotification(
    tx.pattern('Built layer {0}: {1}, {2} unzipped, {3} zipped, in {4} s.', 'glibc-layer'),
    120_000,
  );
  await built
    .getByText(tx.pattern("Packages came from the demo's stand-in wheels ({0}), not PyPI.", undefined))
    .waitFor();
  await shot('built-for-python312-stand-in-wheels');
  // Its report: one "Package" per row under the "Packages" heading, the gauge's mark explained, and why this
  // tiny layer's zip is larger than its content.
  await workbench.clickNotificationButton(built, tx.t('Show Report'));
  const report = workbench.activeWebview();
  await report
    .locator('th', { hasText: tx.t('Package') })
    .first()
    .waitFor({ timeout: 30_000 });
  await report
    .getByText(tx.pattern('The mark at {0} is where builds start to warn ({1} of the limit).', undefined, '80 %'))
    .waitFor();
  await report
    .getByText(
      tx.t(
        "The zip is larger than its content: in a layer this small, the zip's own entries (a header per file and folder) outweigh what compression saves.",
      ),
    )
    .waitFor();
  await shot('build-report');
  await workbench.clearNotifications();

  // A name that does not exist anywhere is named as such, before any advice about runtimes.
  await buildFromExplorer(ui, tx, 'requirements-typo.txt');
  await workbench.quickPick('python3.11');
  await workbench.quickPick('x86_64');
  await workbench.quickInputType('typo-layer');
  const typo = await workbench.waitForNotification(
    tx.pattern('No package named "{0}" in {1}. Check its name in the requirements file.', 'nosuchpkg', undefined),
    120_000,
  );
  await typo.locator('a.monaco-button', { hasText: tx.t('Show Log') }).waitFor();
  await shot('build-error-no-such-package');
  await workbench.clearNotifications();
}
