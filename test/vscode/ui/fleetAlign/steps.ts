// The fleet flow's other half (English and Chinese): Publish to Regions… aligning version numbers after a preview
// that says which region publishes how many; the same, cancelled while one region is far behind (each region's
// result says where it stands, and every version it published is whole); then Roll Out… with a saved test event as
// the canary's smoke test. Screenshots fleetAlign[-zh-cn]-<n>-<step>.png.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import {
  GetLayerVersionCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createActiveFunction, handlerZip, lambdaClient, pythonPackageLayer } from '../../../helpers/sandbox';
import type { UiContext } from '../../lib/ui';
import { automaticCanaries, publishToRegionsFromExplorer, rollOutFromPalette } from '../fleet/steps';
import { textsFor } from '../journey/texts';

const LAYER = 'fleet-align';
const REGIONS = ['us-east-1', 'eu-west-1'];
const FUNCTION = 'checkout-api';
const EVENT = 'order-placed';
/** eu-west-1's lead before the cancelled alignment: us-east-1 then has this many copies to publish. */
const LEAD = 120;

const packageZip = (version: string) => pythonPackageLayer('fleetalign', version);

async function publishIn(client: LambdaClient, version: string): Promise<string> {
  const out = await client.send(
    new PublishLayerVersionCommand({
      LayerName: LAYER,
      CompatibleRuntimes: ['python3.12'],
      Content: { ZipFile: packageZip(version) },
    }),
  );
  return out.LayerVersionArn!;
}

/**
 * fleet-align:1 in both regions with checkout-api on it (its handler needs the saved event's orderId), eu-west-1
 * two versions ahead; the next build's zip, the saved event and the two-region scope in the workspace.
 */
async function seed(ui: UiContext): Promise<void> {
  if (!ui.endpoint) throw new Error('this flow needs the runner sandbox');
  for (const region of REGIONS) {
    const client = lambdaClient(ui.endpoint, region);
    try {
      const v1 = await publishIn(client, '1.0.0');
      await createActiveFunction(client, {
        FunctionName: FUNCTION,
        Runtime: 'python3.12',
        Handler: 'app.handler',
        Role: 'arn:aws:iam::123456789012:role/x',
        Code: {
          ZipFile: handlerZip("def handler(event, context):\n    return {'order': event['orderId']}\n", 'app.py'),
        },
        Layers: [v1],
      });
      if (region === 'eu-west-1') for (const v of ['1.1.0', '1.2.0']) await publishIn(client, v);
    } finally {
      client.destroy();
    }
  }
  await fs.writeFile(join(ui.workspace, `${LAYER}.zip`), packageZip('2.0.0'));
  const events = join(ui.workspace, '.lambda-layers', 'events', FUNCTION);
  await fs.mkdir(events, { recursive: true });
  await fs.writeFile(join(events, `${EVENT}.json`), '{"orderId": "A-1001"}\n');
  // The workspace's scope wins over whatever an earlier flow left in the user settings.
  await fs.mkdir(join(ui.workspace, '.vscode'), { recursive: true });
  await fs.writeFile(
    join(ui.workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'lambdaLayers.scope.regions': REGIONS }, null, 2),
  );
}

/** Every version of the layer in `region`, oldest first, with its CodeSha256. */
async function versionsIn(endpoint: string, region: string): Promise<Array<{ version: number; sha: string }>> {
  const client = lambdaClient(endpoint, region);
  try {
    const listed = [];
    let Marker: string | undefined;
    do {
      const page = await client.send(new ListLayerVersionsCommand({ LayerName: LAYER, Marker }));
      listed.push(...(page.LayerVersions ?? []));
      Marker = page.NextMarker;
    } while (Marker);
    const versions = listed.map((v) => v.Version!).sort((a, b) => a - b);
    return Promise.all(
      versions.map(async (version) => ({
        version,
        sha: (await client.send(new GetLayerVersionCommand({ LayerName: LAYER, VersionNumber: version }))).Content!
          .CodeSha256!,
      })),
    );
  } finally {
    client.destroy();
  }
}

export async function fleetAlign(ui: UiContext): Promise<void> {
  const { workbench } = ui;
  const endpoint = ui.endpoint!;
  const tx = textsFor(ui.locale);
  let shots = 0;
  const shot = async (name: string) => ui.log(`screenshot: ${await ui.screenshot(`${++shots}-${name}`)}`);
  await seed(ui);

  await workbench.openViewContainer('lambdaLayers');
  await workbench.statusBarItem(`${tx.t('Local')} @ ${tx.t('{0} regions', 2)}`).waitFor({ timeout: 30_000 });

  /** Publish to Regions… on the zip with every prompt kept, aligned; returns the preview's text. */
  const publishAligned = async (): Promise<string> => {
    await publishToRegionsFromExplorer(ui, `${LAYER}.zip`);
    await workbench.quickPick(tx.t('Align version numbers across the regions'));
    return workbench.dialogText();
  };
  const expectIn = (text: string, wanted: string[], what: string) => {
    for (const w of wanted) if (!text.includes(w)) throw new Error(`${what} lacks "${w}":\n${text}`);
  };

  // 1. The alignment preview: us-east-1 (at 1) publishes 3, two of them copies; eu-west-1 (at 3) publishes 1.
  const preview = await publishAligned();
  expectIn(
    preview,
    [
      tx.t('Align {0} at version {1} in {2} regions?', LAYER, 4, 2),
      tx.t('{0}: {1} → {2} ({3} to publish, {4} of them copies)', 'us-east-1', 1, 4, 3, 2),
      tx.t('{0}: {1} → {2} ({3} to publish, {4} of them copies)', 'eu-west-1', 3, 4, 1, 0),
    ],
    'the alignment preview',
  );
  await shot('align-preview');
  await workbench.clickDialogButton(tx.t('Publish'));
  await workbench.waitForNotification(tx.pattern('Published {0}: {1}', LAYER), 60_000);
  const fleetPage = workbench.activeWebview();
  await fleetPage.locator('h1', { hasText: tx.t('Fleet: {0}', LAYER) }).waitFor({ timeout: 30_000 });
  for (const region of REGIONS)
    await fleetPage.locator(`tr[data-region="${region}"][data-version="4"]`).waitFor({ timeout: 30_000 });
  await fleetPage.locator('#same-content', { hasText: tx.t('Same content everywhere') }).waitFor();
  await shot('aligned');

  // 2. eu-west-1 gets far ahead; aligning again is cancelled while us-east-1 publishes its copies.
  const eu = lambdaClient(endpoint, 'eu-west-1');
  try {
    for (let i = 0; i < LEAD; i++) await publishIn(eu, `2.1.${i}`);
  } finally {
    eu.destroy();
  }
  const goal = 4 + LEAD + 1;
  const second = await publishAligned();
  expectIn(
    second,
    [tx.t('{0}: {1} → {2} ({3} to publish, {4} of them copies)', 'us-east-1', 4, goal, goal - 4, goal - 5)],
    'the second preview',
  );
  await workbench.clickDialogButton(tx.t('Publish'));
  // Cancel once the progress shows us-east-1 on its way (a copy or more published, many to go).
  const copying = tx.pattern('version {0} of {1}', undefined, goal).source.replace('.*', '\\d+');
  const progress = await workbench.waitForNotification(
    // `{0}: {1}` has no words to translate (a full-width colon in zh-cn).
    new RegExp(`us-east-1[:：]\\s*${copying}`),
    60_000,
  );
  await shot('aligning');
  await workbench.clickNotificationButton(progress, 'Cancel');
  const warning = await workbench.waitForNotification(
    tx.pattern(
      '{0} of {1} regions did not finish ({2}). Run Publish to Regions again to finish: regions already done are kept.',
      1,
      2,
    ),
    60_000,
  );
  const told = await warning.locator('.notification-list-item-message').innerText();
  const us = await versionsIn(endpoint, 'us-east-1');
  const reached = us.at(-1)!.version;
  if (reached >= goal) throw new Error(`us-east-1 reached ${reached}: the cancel came too late to test anything`);
  expectIn(
    told,
    [
      `us-east-1: ${tx.t('cancelled at version {0} of {1}', reached, goal)}`,
      `eu-west-1: ${tx.t('published version {0}', goal)}`,
    ],
    'the per-region result',
  );
  // No half state: versions 1..reached exist, and every copy published (5..reached) is the zip itself.
  if (us.map((v) => v.version).join() !== Array.from({ length: reached }, (_, i) => i + 1).join())
    throw new Error(`us-east-1 versions are not 1..${reached}: ${us.map((v) => v.version).join()}`);
  const zipSha = us[3].sha;
  const broken = us.slice(4).filter((v) => v.sha !== zipSha);
  if (broken.length > 0) throw new Error(`versions that are not the zip: ${broken.map((v) => v.version).join()}`);
  await shot('cancelled');

  // 3. Roll Out… with the saved event as the canary's smoke test (its handler fails without the event's orderId).
  await workbench.clearNotifications();
  await rollOutFromPalette(ui, LAYER);
  await automaticCanaries(ui, 1, 2);
  await workbench.quickPick(EVENT);
  const review = await workbench.dialogText();
  expectIn(review, [tx.t('Smoke test: {0}', tx.t('invoke with the test event'))], 'the rollout review');
  await shot('rollout-review');
  await workbench.clickDialogButton(tx.t('Roll Out'));
  await workbench.waitForNotification(tx.pattern('Rolled out {0}: {1}', LAYER), 120_000);
  const result = workbench.activeWebview();
  await result.locator('h1', { hasText: tx.t('Rollout: {0}', LAYER) }).waitFor({ timeout: 30_000 });
  const updated = await result.locator('#rollout-table .badge.ok').count();
  if (updated !== 2) throw new Error(`${updated} functions updated, not 2`);
  await result.locator('#rollout-table .badge.info', { hasText: tx.t('canary') }).waitFor();
  await shot('rolled-out');
}
