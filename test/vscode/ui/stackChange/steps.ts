// Shared steps of the "before a change" flows (English and Chinese): attaching a newer version of a layer offers to
// compare the two versions first, and a built layer's report ranks its packages by import time.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { makeZip, type ZipEntry } from '../../../helpers/sandbox';
import type { UiContext } from '../../lib/ui';
import { textsFor } from '../journey/texts';
import { FUNCTION, createStack } from '../stack/steps';

/** Attach stack-deps:2 to the function on stack-deps:1: the confirmation offers Compare Versions…, which shows the diff and asks again. */
export async function compareBeforeAttach(ui: UiContext): Promise<void> {
  const { workbench, page } = ui;
  const tx = textsFor(ui.locale);
  await createStack(ui);
  await workbench.openViewContainer('lambdaLayers');
  const layers = workbench.view(tx.nls('view.layers'));
  await workbench.waitForViewContent(layers);
  await workbench.expandTreeItem('stack-deps', layers);
  await workbench.contextMenu(workbench.treeItem(tx.t('Version {0}', 2), layers), tx.nls('command.attachLayer'));
  await workbench.quickPick(new RegExp(`${FUNCTION}\\s*$`));
  await page.keyboard.press('Enter');
  const question = await workbench.dialogText();
  if (!question.includes(tx.t('Attach {0} to {1}?', 'stack-deps:2', FUNCTION)))
    throw new Error(`unexpected confirmation:\n${question}`);
  ui.log(`screenshot: ${await ui.screenshot('attach-compare-prompt')}`);
  await workbench.clickDialogButton(tx.t('Compare Versions…'));
  const diff = workbench.activeWebview();
  await diff.locator('h1', { hasText: 'stack-deps:1 → stack-deps:2' }).waitFor({ timeout: 60_000 });
  await diff.locator('#diff-table tr.upgraded', { hasText: 'requests' }).waitFor();
  // The question comes back over the comparison: attach now, having seen what the new version brings.
  await workbench.dialog().waitFor({ timeout: 30_000 });
  ui.log(`screenshot: ${await ui.screenshot('attach-compared')}`);
  await workbench.clickDialogButton(tx.t('Attach'));
  await workbench.waitForNotification(tx.t('Attached {0} to {1}.', 'stack-deps:2', FUNCTION), 60_000);
}

function dist(name: string, body: string): ZipEntry[] {
  return [
    { name: `python/${name}/__init__.py`, data: body },
    { name: `python/${name}-1.0.dist-info/METADATA`, data: `Metadata-Version: 2.1\nName: ${name}\nVersion: 1.0\n` },
  ];
}

/** A built layer (zip and manifest, as a build leaves them) whose `slowpkg` busy-waits 80 ms at import. */
async function writeBuiltLayer(workspace: string, name: string): Promise<void> {
  const out = path.join(workspace, '.lambda-layers', 'build');
  await fs.mkdir(out, { recursive: true });
  const busy = 'import time\nt = time.perf_counter()\nwhile time.perf_counter() - t < 0.08:\n    pass\n';
  const zip = makeZip([...dist('slowpkg', busy), ...dist('quickpkg', 'X = 1\n')], { deflate: true });
  const base = `${name}-python3.12-x86_64`;
  await fs.writeFile(path.join(out, `${base}.zip`), zip);
  const pkg = (n: string) => ({ name: n, version: '1.0', size: 200, files: 2, topLevel: [n] });
  const manifest = {
    manifestVersion: 1,
    toolVersion: '0.0.0',
    layerName: name,
    runtime: 'python3.12',
    architecture: 'x86_64',
    installer: 'pip',
    bytecode: 'none',
    zipFile: `${base}.zip`,
    zippedSize: zip.length,
    unzippedSize: 60 * 1024 * 1024,
    fileCount: 4,
    sha256: createHash('sha256').update(zip).digest('hex'),
    codeSha256: createHash('sha256').update(zip).digest('base64'),
    publishViaS3: false,
    packages: [pkg('quickpkg'), pkg('slowpkg')],
    incompatibilities: [],
    warnings: [],
    cacheKey: 'ui-flow',
    builtAt: new Date().toISOString(),
  };
  await fs.writeFile(path.join(out, `${base}.manifest.json`), JSON.stringify(manifest, null, 2));
}

/** Show Layer Build Report on a built layer: its share of the budget, then its import ranking once measured. */
export async function reportImports(ui: UiContext): Promise<void> {
  const { workbench } = ui;
  const tx = textsFor(ui.locale);
  const layer = 'timed-deps';
  await writeBuiltLayer(ui.workspace, layer);
  await workbench.runCommand(`Lambda Layers: ${tx.nls('command.showBuildReport')}`);
  await workbench.quickPick(new RegExp(`${layer}-python3\\.12-x86_64\\.zip\\s*$`));
  const report = workbench.activeWebview();
  await report.locator('#budget-share', { hasText: tx.t('{0}% of the budget', 24) }).waitFor({ timeout: 30_000 });
  const ranking = report.locator('#import-table tbody tr');
  await ranking.first().waitFor({ timeout: 60_000 });
  const first = (await ranking.first().locator('td.name').innerText()).trim();
  if (first !== 'slowpkg') throw new Error(`heaviest import: ${first}`);
  await report.locator('#imports', { hasText: tx.pattern('Import time, measured locally (Python {0})') }).waitFor();
  ui.log(`screenshot: ${await ui.screenshot('report-imports')}`);
}
