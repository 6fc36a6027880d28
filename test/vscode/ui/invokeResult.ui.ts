// The human path through invoking: the function's context menu, the event picker with saved test events, the
// result page (response, log, REPORT figures, cold start), "Invoke Again" and the recent results, and a
// function error; then the import check of the layer. Screenshots of both pages are kept for people to look at.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { createActiveFunction, handlerZip, lambdaClient, pythonPackageLayer } from '../../helpers/sandbox';
import type { Locator } from 'playwright-core';
import type { UiContext } from '../lib/ui';

const FUNCTION = 'orders-api';
const HANDLER = `import json

import greetpkg


def lambda_handler(event, context):
    print(f"Processing order {event.get('orderId')}")
    if event.get("quantity", 0) <= 0:
        raise ValueError(f"Order {event.get('orderId')} has no items")
    total = round(event["quantity"] * event["unitPrice"], 2)
    print(json.dumps({"level": "INFO", "orderId": event["orderId"], "total": total}))
    return {"statusCode": 200, "body": {"orderId": event["orderId"], "total": total, "greetpkg": greetpkg.__version__}}
`;

export default async function invokeResult(ui: UiContext): Promise<void> {
  const { workbench } = ui;
  if (!ui.endpoint) throw new Error('this flow needs the runner sandbox');
  const client = lambdaClient(ui.endpoint);
  try {
    const layer = await client.send(
      new PublishLayerVersionCommand({
        LayerName: 'greet-deps',
        CompatibleRuntimes: ['python3.12'],
        Content: { ZipFile: pythonPackageLayer('greetpkg', '1.2.3') },
      }),
    );
    await createActiveFunction(client, {
      FunctionName: FUNCTION,
      Runtime: 'python3.12',
      Handler: 'handler.lambda_handler',
      Role: 'arn:aws:iam::123456789012:role/x',
      Code: { ZipFile: handlerZip(HANDLER, 'handler.py') },
      Layers: [layer.LayerVersionArn!],
    });
  } finally {
    client.destroy();
  }
  const events = path.join(ui.workspace, '.lambda-layers', 'events', FUNCTION);
  await fs.mkdir(events, { recursive: true });
  await fs.writeFile(
    path.join(events, 'order-created.json'),
    JSON.stringify({ orderId: 'A-1042', quantity: 3, unitPrice: 19.9 }, null, 2),
  );
  await fs.writeFile(
    path.join(events, 'empty-order.json'),
    JSON.stringify({ orderId: 'A-1043', quantity: 0 }, null, 2),
  );

  await workbench.openViewContainer('lambdaLayers');
  const functions = await workbench.expandView('Functions');
  await workbench.waitForViewContent(functions);
  const row = workbench.treeItem(FUNCTION, functions);
  await row.waitFor();

  await invokeFromMenu(ui, row, 'order-created');
  const result = workbench.activeWebview();
  await result.locator('h1', { hasText: FUNCTION }).waitFor({ timeout: 30_000 });
  await result.locator('.badge.ok').waitFor();
  await result.locator('button[data-action="rerun"]').click();
  await result.locator('tr.pick').nth(1).waitFor({ timeout: 30_000 });
  await settled(ui);
  ui.log(`screenshot: ${await ui.screenshot('success')}`);

  await invokeFromMenu(ui, row, 'empty-order');
  await workbench
    .activeWebview()
    .locator('.error-title', { hasText: 'ValueError: Order A-1043 has no items' })
    .waitFor({ timeout: 30_000 });
  await settled(ui);
  ui.log(`screenshot: ${await ui.screenshot('function-error')}`);
  await workbench.activeWebview().locator('tr.pick').nth(2).scrollIntoViewIfNeeded();
  ui.log(`screenshot: ${await ui.screenshot('recent-results')}`);

  // The import check of the function's layer, from its version in the Layers view.
  const layers = workbench.view('Layers');
  await workbench.expandTreeItem('greet-deps', layers);
  const version = workbench.treeItem('Version 1', layers);
  await version.click();
  await version.click({ button: 'right' });
  const menu = ui.page.locator('.context-view .monaco-menu');
  await menu.waitFor();
  await ui.page.waitForTimeout(500);
  await menu.locator('.action-item a.action-menu-item', { hasText: 'Check Layer Imports' }).first().click();
  const probe = workbench.activeWebview();
  await probe.locator('h1', { hasText: 'Layer Imports: greet-deps:1' }).waitFor({ timeout: 60_000 });
  await probe.locator('.badge.ok', { hasText: 'OK' }).waitFor();
  ui.log(`screenshot: ${await ui.screenshot('layer-imports')}`);
}

/**
 * "Test Invoke…" from the row's context menu, then the event. The shared context-menu step right-clicks again when
 * the menu opened without the entry (the tree re-renders while focus moves from the result page to it).
 */
async function invokeFromMenu(ui: UiContext, row: Locator, event: string): Promise<void> {
  await row.click();
  await ui.workbench.contextMenu(row, 'Test Invoke…');
  await ui.workbench.quickPick(event);
}

/** No progress toast left over in the screenshot. */
async function settled(ui: UiContext): Promise<void> {
  await ui.workbench
    .notifications()
    .filter({ hasText: 'Invoking' })
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 });
}
