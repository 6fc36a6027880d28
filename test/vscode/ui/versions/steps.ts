// Shared steps of the versions flows (English and Chinese): a function with two published versions pinning different
// layer versions and a weighted alias, shown expanded in the Functions view.
import {
  CreateAliasCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import {
  TEST_ROLE,
  createActiveFunction,
  handlerZip,
  lambdaClient,
  pythonPackageLayer,
} from '../../../helpers/sandbox';
import type { UiContext } from '../../lib/ui';

const FUNCTION = 'orders-api';
const LAYER = 'orders-deps';

/** orders-deps:1..3; orders-api version 1 on :1, version 2 on :2, $LATEST on :3; alias live → 1 (90%), 2 (10%). */
async function createVersions(endpoint: string): Promise<void> {
  const client = lambdaClient(endpoint);
  try {
    const arns: string[] = [];
    for (const v of ['1.0.0', '1.1.0', '2.0.0']) {
      arns.push(
        (
          await client.send(
            new PublishLayerVersionCommand({
              LayerName: LAYER,
              Content: { ZipFile: pythonPackageLayer('orders_deps', v) },
            }),
          )
        ).LayerVersionArn!,
      );
    }
    await createActiveFunction(client, {
      FunctionName: FUNCTION,
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handlerZip('def handler(event, context):\n    return event\n') },
      Layers: [arns[0]],
      Publish: true,
    });
    for (const arn of arns.slice(1)) {
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: FUNCTION, Layers: [arn] }));
      await waitUntilFunctionUpdatedV2(
        { client, maxWaitTime: 20, minDelay: 0.1, maxDelay: 0.5 },
        { FunctionName: FUNCTION },
      );
      if (arn === arns[1])
        await client.send(new PublishVersionCommand({ FunctionName: FUNCTION, Description: 'canary' }));
    }
    await client.send(
      new CreateAliasCommand({
        FunctionName: FUNCTION,
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { 2: 0.1 } },
      }),
    );
  } finally {
    client.destroy();
  }
}

/** Expands the function, its versions (each with its pinned layer) and its alias; one screenshot. */
export async function showVersions(
  ui: UiContext,
  texts: { functions: RegExp; versions: string; version: (n: number) => string; aliases: string; routing: string },
): Promise<void> {
  if (!ui.endpoint) throw new Error('this flow needs the runner sandbox');
  await createVersions(ui.endpoint);
  const { workbench } = ui;
  await workbench.openViewContainer('lambdaLayers');
  const functions = await workbench.expandView(texts.functions);
  await workbench.waitForViewContent(functions);
  await workbench.expandTreeItem(FUNCTION, functions);
  await workbench.expandTreeItem(texts.versions, functions);
  await workbench.expandTreeItem(texts.version(2), functions);
  await workbench.expandTreeItem(texts.version(1), functions);
  await workbench.expandTreeItem(texts.aliases, functions);
  const live = await workbench.expandTreeItem('live', functions);
  await live.locator('.label-description', { hasText: texts.routing }).waitFor();
  // Each version shows the layer it pinned; the alias shows its version's.
  for (const pinned of [`${LAYER}:3`, `${LAYER}:2`, `${LAYER}:1`])
    await workbench.treeItem(pinned, functions).first().waitFor();
  ui.log(`screenshot: ${await ui.screenshot('functions')}`);
}
