// Shared steps of the stack flows (English and Chinese): a function whose code and two layers provide `requests`
// and whose layer's botocore shadows the runtime's, analysed from its context menu.
import { PublishLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { createActiveFunction, lambdaClient, makeZip, type ZipEntry } from '../../../helpers/sandbox';
import type { UiContext } from '../../lib/ui';

export const FUNCTION = 'stack-demo';

function dist(name: string, version: string, extra = ''): ZipEntry[] {
  return [
    { name: `python/${name}/__init__.py`, data: `__version__ = "${version}"\n${extra}` },
    {
      name: `python/${name}-${version}.dist-info/METADATA`,
      data: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`,
    },
  ];
}

const MB = 1024 * 1024;

async function publish(client: LambdaClient, name: string, entries: ZipEntry[]): Promise<string> {
  const zip = makeZip(entries, { deflate: true });
  const v = await client.send(
    new PublishLayerVersionCommand({ LayerName: name, CompatibleRuntimes: ['python3.12'], Content: { ZipFile: zip } }),
  );
  return v.LayerVersionArn!;
}

/** shared-utils:1 (requests 2.0.0, attrs), stack-deps:1 (requests 2.31.0, botocore 1.20.0) and :2, the function on both :1. */
export async function createStack(ui: UiContext): Promise<void> {
  if (!ui.endpoint) throw new Error('this flow needs the runner sandbox');
  const client = lambdaClient(ui.endpoint);
  try {
    // Large, highly compressible data files give the budget bar visible segments.
    const utils = await publish(client, 'shared-utils', [
      ...dist('requests', '2.0.0'),
      ...dist('attrs', '21.4.0'),
      { name: 'python/attrs/_table.bin', data: Buffer.alloc(40 * MB) },
    ]);
    const deps = await publish(client, 'stack-deps', [
      ...dist('requests', '2.31.0'),
      ...dist('botocore', '1.20.0'),
      ...dist(
        'pydantic',
        '1.10.0',
        'import time\nt = time.perf_counter()\nwhile time.perf_counter() - t < 0.05:\n    pass\n',
      ),
      { name: 'python/pydantic/_core.bin', data: Buffer.alloc(90 * MB) },
    ]);
    await publish(client, 'stack-deps', [
      ...dist('requests', '2.32.3'),
      ...dist('botocore', '1.34.0'),
      ...dist('idna', '3.7'),
    ]);
    await createActiveFunction(client, {
      FunctionName: FUNCTION,
      Runtime: 'python3.12',
      Handler: 'app.handler',
      Role: 'arn:aws:iam::123456789012:role/x',
      Code: {
        ZipFile: makeZip([
          {
            name: 'app.py',
            data: 'import requests\n\ndef handler(event, context):\n    return requests.__version__\n',
          },
          { name: 'requests/__init__.py', data: '__version__ = "vendored"\n' },
        ]),
      },
      Layers: [utils, deps],
    });
  } finally {
    client.destroy();
  }
}

/** Analyze Function from the function's context menu; screenshots of the budget bar and the shadowing table. */
export async function analyze(ui: UiContext, texts: { command: string; title: string }): Promise<void> {
  const { workbench } = ui;
  await workbench.openViewContainer('lambdaLayers');
  const functions = await workbench.expandView(/Functions|函数/);
  await workbench.waitForViewContent(functions);
  const row = workbench.treeItem(FUNCTION, functions);
  await row.waitFor();
  await workbench.contextMenu(row, texts.command);
  const page = workbench.activeWebview();
  const heading = page.locator('h1', { hasText: texts.title });
  // The menu entry sometimes runs the command without the row (focus moved while the menu closed): the command
  // then asks for the function, as it does from the palette.
  const picker = workbench.quickInput().locator('.monaco-list-row', { hasText: FUNCTION });
  await Promise.race([heading.waitFor({ timeout: 60_000 }), picker.waitFor({ timeout: 60_000 })]);
  if (await picker.isVisible()) await picker.first().click();
  await heading.waitFor({ timeout: 60_000 });
  await page.locator('#import-table, #imports p').first().waitFor({ timeout: 60_000 });
  const winners = await page.locator('#shadow-table td.winner').allInnerTexts();
  if (winners.length !== 2) throw new Error(`expected 2 shadowed modules, got ${winners.join(' | ')}`);
  const modules = await page.locator('#shadow-table tr.conflict td:first-child').allInnerTexts();
  if (modules.map((m) => m.replace(' ⚠', '')).join(',') !== 'botocore,requests')
    throw new Error(`conflicts: ${modules.join(',')}`);
  await workbench
    .notifications()
    .filter({ hasText: /Analyzing|正在分析/ })
    .first()
    .waitFor({ state: 'detached', timeout: 20_000 });
  ui.log(`screenshot: ${await ui.screenshot('budget')}`);
  await page.locator('#shadowing').scrollIntoViewIfNeeded();
  ui.log(`screenshot: ${await ui.screenshot('shadowing')}`);
  // pydantic busy-waits at import: the local measurement ranks it first.
  const first = await page.locator('#import-table tbody tr td:first-child').first().innerText();
  if (first.trim() !== 'pydantic') throw new Error(`heaviest import: ${first}`);
  await page.locator('#imports').scrollIntoViewIfNeeded();
  ui.log(`screenshot: ${await ui.screenshot('imports')}`);
}
