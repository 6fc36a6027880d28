// See inside a function's stack: Analyze Function (budget bar, shadowing table, import ranking), Browse Files of a
// published layer version and open one of its files, Compare With… another version. Screenshots stack-*.png.
import type { UiContext } from '../lib/ui';
import { analyze, createStack } from './stack/steps';

export const timeoutMs = 240_000;

export default async function stack(ui: UiContext): Promise<void> {
  const { workbench } = ui;
  await createStack(ui);
  await analyze(ui, { command: 'Analyze Function', title: 'Stack of stack-demo' });

  const layers = workbench.view('Layers');
  await workbench.expandTreeItem('stack-deps', layers);
  await workbench.contextMenu(workbench.treeItem('Version 1', layers), 'Browse Files');
  await workbench.quickInputType('python/botocore/__init__.py', false);
  await workbench.quickPick('python/botocore/__init__.py');
  await ui.page.locator('.part.editor .tab.active', { hasText: '__init__.py' }).waitFor({ timeout: 30_000 });
  await ui.page.locator('.part.editor .view-lines', { hasText: '__version__ = "1.20.0"' }).waitFor();
  ui.log(`screenshot: ${await ui.screenshot('browse')}`);

  await workbench.contextMenu(workbench.treeItem('Version 2', layers), 'Compare With…');
  await workbench.quickPick(/Version 1/);
  const diff = workbench.activeWebview();
  await diff.locator('h1', { hasText: 'stack-deps:1 → stack-deps:2' }).waitFor({ timeout: 60_000 });
  await diff.locator('#diff-table tr.upgraded', { hasText: 'requests' }).waitFor();
  await diff.locator('#diff-table tr.removed', { hasText: 'pydantic' }).waitFor();
  await diff.locator('#diff-table tr.added', { hasText: 'idna' }).waitFor();
  ui.log(`screenshot: ${await ui.screenshot('compare')}`);
}
