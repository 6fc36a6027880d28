// The shared size guard at the editor's entry points, in a real extension host against the runner's local endpoint:
// Update to Latest Version asks (with Compare Versions…) when the new stack passes 90 % of the limit, and Publish
// asks when a function using the layer would pass the limit with the new zip, and Deploy Code asks when the new code
// would. Modals are answered by a stub.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ListLayerVersionsCommand, PublishLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import * as vscode from 'vscode';
import type { DeploySummary } from '../../../src/commands/functions/deployCode';
import type { LambdaLayersApi } from '../../../src/extension';
import type { Comparison } from '../../../src/stack/compare';
import type { ExplorerItem } from '../../../src/views/items/explorerItem';
import { createActiveFunction, handlerZip, lambdaClient, makeZip } from '../../helpers/sandbox';

const EXTENSION_ID = 'lambda-layers.lambda-layers';
const MB = 1024 * 1024;

interface Modal {
  message: string;
  detail?: string;
  items: string[];
}

suite('size guard before a change', function () {
  this.timeout(120_000);
  const endpoint = process.env.LAMBDA_LAYERS_TEST_ENDPOINT;
  const suffix = randomBytes(4).toString('hex');
  const heavy = `guard-heavy-${suffix}`;
  const base = `guard-base-${suffix}`;
  const fn = `guard-fn-${suffix}`;
  const bulk = `guard-bulk-${suffix}`;
  const modals: Modal[] = [];
  let answer: (m: Modal) => string | undefined = () => undefined;
  const showWarning = vscode.window.showWarningMessage;
  const showQuickPick = vscode.window.showQuickPick;
  let api: LambdaLayersApi;
  let client: LambdaClient;
  let dir: string;

  const publish = async (name: string, size: number) =>
    (
      await client.send(
        new PublishLayerVersionCommand({
          LayerName: name,
          Content: { ZipFile: makeZip([{ name: 'python/blob.bin', data: Buffer.alloc(size) }], { deflate: true }) },
        }),
      )
    ).LayerVersionArn!;

  const createFunction = (name: string, layers: string[]) =>
    createActiveFunction(client, {
      FunctionName: name,
      Runtime: 'python3.12',
      Handler: 'handler.lambda_handler',
      Role: 'arn:aws:iam::123456789012:role/x',
      Code: { ZipFile: handlerZip('def lambda_handler(event, context):\n    return event\n', 'handler.py') },
      Layers: layers,
    });

  suiteSetup(async function () {
    if (!endpoint) this.skip();
    api = await vscode.extensions.getExtension<LambdaLayersApi>(EXTENSION_ID)!.activate();
    client = lambdaClient(endpoint);
    dir = await fs.mkdtemp(path.join(tmpdir(), 'guard-suite-'));
    const baseArn = await publish(base, 100 * MB);
    const heavy1 = await publish(heavy, 10);
    await publish(heavy, 140 * MB);
    for (const name of [fn, bulk]) await createFunction(name, [baseArn, heavy1]);
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = (
      message: string,
      options: vscode.MessageOptions,
      ...items: string[]
    ) => {
      const modal = { message, detail: options?.detail, items };
      modals.push(modal);
      return Promise.resolve(answer(modal));
    };
    await vscode.commands.executeCommand('lambdaLayers.refresh');
    await api.services.explorer.model!.load();
  });

  suiteTeardown(async () => {
    (vscode.window as { showWarningMessage: unknown }).showWarningMessage = showWarning;
    (vscode.window as { showQuickPick: unknown }).showQuickPick = showQuickPick;
    client?.destroy();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  test('Update to Latest Version: past 90 % it asks first, with the exact total and Compare Versions…', async () => {
    modals.length = 0;
    answer = (m) => (m.items.includes('Update') ? 'Update' : undefined);
    const functions = api.services.views.functions;
    const fnItem = functions.getChildren().find((i) => i.label === fn)!;
    const outdated = functions
      .getChildren(fnItem)
      .find((i: ExplorerItem) => i.contextValue === 'functionLayer.outdated');
    assert.ok(outdated, 'the heavy layer row is marked outdated');
    await vscode.commands.executeCommand('lambdaLayers.updateLayerToLatest', outdated);
    const asked = modals.find((m) => m.message === `Update ${fn} to ${heavy}:2?`);
    assert.ok(asked, modals.map((m) => m.message).join('\n'));
    assert.match(asked.detail ?? '', /^Function code and layers unzipped are 240 MB \(96% of the 250 MB limit\)\.$/);
    assert.deepEqual(asked.items, ['Update', 'Compare Versions…']);
    const layers = (await api.services.connection.require().lambda.getFunctionConfiguration(fn)).Layers?.map((l) =>
      l.Arn?.split(':').slice(-2).join(':'),
    );
    assert.deepEqual(layers, [`${base}:1`, `${heavy}:2`]);
  });

  test('Update All Functions to Latest: the last question has the check, and Compare Versions… shows the diff and asks again', async () => {
    modals.length = 0;
    // The list of functions to move: accepted as offered (every one selected).
    (vscode.window as { showQuickPick: unknown }).showQuickPick = (items: readonly vscode.QuickPickItem[]) =>
      Promise.resolve(items.filter((i) => i.picked));
    api.services.stackPanels.comparison = undefined;
    answer = () => (modals.length === 1 ? 'Compare Versions…' : 'Update');
    const outcomes = await vscode.commands.executeCommand<{ function: string; status: string }[]>(
      'lambdaLayers.updateAllFunctions',
      `arn:aws:lambda:us-east-1:123456789012:layer:${heavy}`,
    );
    assert.deepEqual(
      outcomes.map((o) => [o.function, o.status]),
      [[bulk, 'ok']],
    );
    assert.equal(modals.length, 2, 'asked again after the comparison');
    assert.equal(modals[0].message, `Update ${bulk} to ${heavy}:2?`);
    assert.match(
      modals[0].detail ?? '',
      new RegExp(
        `^• ⚠ ${bulk}: Function code and layers unzipped are 240 MB \\(96% of the 250 MB limit\\)\\.\\n• ${bulk}: ${heavy}:1 → ${heavy}:2$`,
      ),
    );
    const compared = api.services.stackPanels.comparison as Comparison | undefined;
    assert.ok(compared && compared.before.endsWith(`${heavy}:1`) && compared.after.endsWith(`${heavy}:2`));
    assert.equal(compared.unzippedAfter - compared.unzippedBefore, 140 * MB - 10);
  });

  test('Publish: the functions using the layer that would pass the limit with the new zip are named; cancelling publishes nothing', async () => {
    modals.length = 0;
    answer = () => undefined;
    await api.services.explorer.model!.load();
    const zip = path.join(dir, 'heavier.zip');
    await fs.writeFile(zip, makeZip([{ name: 'python/blob.bin', data: Buffer.alloc(160 * MB) }], { deflate: true }));
    const versions = async () =>
      (await client.send(new ListLayerVersionsCommand({ LayerName: heavy }))).LayerVersions?.length;
    const before = await versions();
    const result = await vscode.commands.executeCommand('lambdaLayers.publishLayer', {
      zipUri: zip,
      name: heavy,
      description: '',
      license: '',
      runtimes: ['python3.12'],
      architectures: ['x86_64'],
    });
    assert.equal(result, undefined, 'cancelled');
    const asked = modals.find((m) => m.message === `Publish ${heavy} anyway?`);
    assert.ok(asked, modals.map((m) => m.message).join('\n'));
    const over = 'Function code and layers unzipped are 260 MB, over the 250 MB limit; Lambda will refuse it.';
    assert.deepEqual(asked.detail?.split('\n').sort(), [`• ${bulk}: ${over}`, `• ${fn}: ${over}`].sort());
    assert.equal(await versions(), before);
  });

  test('Deploy Code: new code with layers past 90 % of the limit asks first; cancelling uploads nothing', async () => {
    const name = `guard-deploy-${suffix}`;
    const layer = (n: string, v: number) => `arn:aws:lambda:us-east-1:123456789012:layer:${n}:${v}`;
    const lambda = api.services.connection.require().lambda;
    await createFunction(name, [layer(base, 1), layer(heavy, 2)]);
    const folder = path.join(dir, 'deploy-code');
    await fs.mkdir(folder, { recursive: true });
    const write = (n: number) =>
      fs.writeFile(path.join(folder, 'handler.py'), `def lambda_handler(event, context):\n    return ${n}\n`);

    // Automation (confirmed): no question, the warning goes to the log; the folder is remembered for the function.
    modals.length = 0;
    await write(1);
    const first = await vscode.commands.executeCommand<DeploySummary>('lambdaLayers.deployCode', name, {
      folder,
      confirmed: true,
    });
    assert.equal(first.kind, 'deployed');
    assert.equal(modals.length, 0, modals.map((m) => m.message).join('\n'));

    await write(2);
    answer = () => undefined;
    const cancelled = await vscode.commands.executeCommand<DeploySummary | undefined>('lambdaLayers.deployCode', name);
    assert.equal(cancelled, undefined, 'cancelled');
    const asked = modals.find((m) => m.message === `Deploy deploy-code to ${name}?`);
    assert.ok(asked, modals.map((m) => m.message).join('\n'));
    assert.match(asked.detail ?? '', /^Function code and layers unzipped are 240 MB \(96% of the 250 MB limit\)\.$/);
    assert.deepEqual(asked.items, ['Deploy']);
    assert.equal((await lambda.getFunctionConfiguration(name)).CodeSha256, first.codeSha256, 'nothing uploaded');

    answer = (m) => (m.items.includes('Deploy') ? 'Deploy' : undefined);
    const deployed = await vscode.commands.executeCommand<DeploySummary>('lambdaLayers.deployCode', name);
    assert.equal(deployed.kind, 'deployed');
    assert.equal((await lambda.getFunctionConfiguration(name)).CodeSha256, deployed.codeSha256);
  });
});
