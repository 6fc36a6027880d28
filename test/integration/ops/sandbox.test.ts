import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withSandbox, TEST_ROLE, type TestSandbox, sandboxSession } from '../../helpers/sandbox';
import type { LambdaGateway } from '../../../src/aws/types';
import type { OpsSession } from '../../../src/ops/session';
import { publishLayer } from '../../../src/ops/publish';
import { mutateFunctionLayers, layerArnsOf, type MutateProgress } from '../../../src/ops/mutateLayers';
import { attachLayer, detachLayer } from '../../../src/ops/layerList';
import { applyBulkUpdate, previewBulkUpdate } from '../../../src/ops/bulkUpdate';
import { UserError } from '../../../src/util/errors';
import { HANDLER_ZIP, layerZip } from './zips';

let dir: string;
let sandbox: TestSandbox;
/** Two independent clients of the same endpoint, like two people (or tools) at once. */
let one: OpsSession;
let two: OpsSession;

before(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'ops-sandbox-'));
  sandbox = await withSandbox({ updateDelayMs: 300 });
  one = sandboxSession(sandbox);
  two = sandboxSession(sandbox);
});
after(async () => {
  one?.dispose();
  two?.dispose();
  await sandbox?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

let zips = 0;
/** Publishes a new version of `name` with distinct content; returns its LayerVersionArn. */
async function publish(name: string): Promise<string> {
  const zip = join(dir, `layer-${++zips}.zip`);
  await layerZip(zip, `${name}-${zips}`);
  const r = await publishLayer(one.gateway, { zipPath: zip, name });
  assert.equal(r.kind, 'published');
  return r.kind === 'published' ? r.layerVersion.LayerVersionArn! : '';
}

async function createFunction(name: string, layers: string[] = []): Promise<void> {
  await one.gateway.createFunction({
    name,
    runtime: 'python3.12',
    handler: 'app.handler',
    role: TEST_ROLE,
    zip: HANDLER_ZIP,
    layers,
  });
  await one.gateway.waitForFunctionUpdated(name);
}

async function layersOf(gw: LambdaGateway, name: string): Promise<string[]> {
  return layerArnsOf(await gw.getFunctionConfiguration(name));
}

test('attach replaces another version in place and keeps the order', async () => {
  const a1 = await publish('order-a');
  const a2 = await publish('order-a');
  const b = await publish('order-b');
  const c = await publish('order-c');
  await createFunction('order-fn', [a1, b, c]);
  const r = await mutateFunctionLayers(one.gateway, 'order-fn', (cur) => attachLayer(cur, a2));
  assert.equal(r.kind, 'updated');
  assert.deepEqual(await layersOf(one.gateway, 'order-fn'), [a2, b, c]);
  await mutateFunctionLayers(one.gateway, 'order-fn', (cur) => detachLayer(cur, b));
  assert.deepEqual(await layersOf(one.gateway, 'order-fn'), [a2, c]);
});

test('a sixth layer is refused with the reason before calling Lambda', async () => {
  const five = await Promise.all(['f1', 'f2', 'f3', 'f4', 'f5'].map((n) => publish(`five-${n}`)));
  const sixth = await publish('five-f6');
  await createFunction('five-fn', five);
  const before = (await one.gateway.getFunctionConfiguration('five-fn')).RevisionId;
  await assert.rejects(
    mutateFunctionLayers(one.gateway, 'five-fn', (cur) => attachLayer(cur, sixth)),
    (e: unknown) => e instanceof UserError && /at most 5 layers/.test(e.message),
  );
  assert.equal((await one.gateway.getFunctionConfiguration('five-fn')).RevisionId, before, 'nothing was sent');
});

test('412: a change made between our read and our write is kept, ours is re-applied on top', async () => {
  const x = await publish('race-x');
  const y = await publish('race-y');
  await createFunction('race-fn');
  let raced = false;
  // Our gateway, except that just before our first write the other client attaches x (and it settles).
  const racing: LambdaGateway = Object.create(one.gateway, {
    updateFunctionLayers: {
      value: async (name: string, layers: string[], revisionId?: string) => {
        if (!raced) {
          raced = true;
          await mutateFunctionLayers(two.gateway, name, (cur) => attachLayer(cur, x));
        }
        return one.gateway.updateFunctionLayers(name, layers, revisionId);
      },
    },
  });
  const progress: MutateProgress[] = [];
  const r = await mutateFunctionLayers(racing, 'race-fn', (cur) => attachLayer(cur, y), {
    onProgress: (p) => progress.push(p),
  });
  assert.equal(r.kind, 'updated');
  assert.ok(
    progress.some((p) => p.phase === 'retrying' && p.reason === 'revision-changed'),
    'a real 412 happened',
  );
  assert.deepEqual(await layersOf(one.gateway, 'race-fn'), [x, y]);
});

test('409: an update while another is in progress waits for it and then applies', async () => {
  const x = await publish('busy-x');
  const y = await publish('busy-y');
  await createFunction('busy-fn');
  // The other client's update is InProgress for updateDelayMs (300 ms) after this returns.
  const cfg = await two.gateway.getFunctionConfiguration('busy-fn');
  await two.gateway.updateFunctionLayers('busy-fn', [x], cfg.RevisionId);
  const progress: MutateProgress[] = [];
  const r = await mutateFunctionLayers(one.gateway, 'busy-fn', (cur) => attachLayer(cur, y), {
    onProgress: (p) => progress.push(p),
  });
  assert.equal(r.kind, 'updated');
  assert.ok(
    progress.some((p) => p.phase === 'retrying' && p.reason === 'update-in-progress'),
    'a real 409 happened',
  );
  assert.deepEqual(await layersOf(one.gateway, 'busy-fn'), [x, y]);
  assert.equal(r.configuration.LastUpdateStatus, 'Successful');
});

test('waiting for LastUpdateStatus reports progress until Successful', async () => {
  const slow = await withSandbox({ updateDelayMs: 2500 });
  const s = sandboxSession(slow);
  try {
    const zip = join(dir, 'slow-layer.zip');
    await layerZip(zip, 'slow');
    const v = await publishLayer(s.gateway, { zipPath: zip, name: 'slow' });
    const arn = v.kind === 'published' ? v.layerVersion.LayerVersionArn! : '';
    await s.gateway.createFunction({
      name: 'slow-fn',
      runtime: 'python3.12',
      handler: 'app.handler',
      role: TEST_ROLE,
      zip: HANDLER_ZIP,
    });
    await s.gateway.waitForFunctionUpdated('slow-fn');
    const waits: number[] = [];
    const r = await mutateFunctionLayers(s.gateway, 'slow-fn', (cur) => attachLayer(cur, arn), {
      onProgress: (p) => p.phase === 'waiting' && waits.push(p.elapsedMs),
    });
    assert.equal(r.configuration.LastUpdateStatus, 'Successful');
    assert.ok(waits.length >= 2 && waits.at(-1)! >= 1000, `waiting ticks: ${waits.join(', ')}`);
  } finally {
    s.dispose();
    await slow.close();
  }
});

test('bulk update moves exactly the confirmed functions from older versions to the newest', async () => {
  const v1 = await publish('bulk');
  const v2 = await publish('bulk');
  const v3 = await publish('bulk');
  const other = await publish('bulk-other');
  await createFunction('bulk-1', [other, v1]);
  await createFunction('bulk-2', [v2]);
  await createFunction('bulk-3', [v3]);
  await createFunction('bulk-4', [v1]);
  const preview = await previewBulkUpdate(one.gateway, 'bulk');
  assert.equal(preview.to, v3);
  assert.deepEqual(
    preview.items.sort((a, b) => a.function.localeCompare(b.function)),
    [
      { function: 'bulk-1', from: v1, to: v3 },
      { function: 'bulk-2', from: v2, to: v3 },
      { function: 'bulk-4', from: v1, to: v3 },
    ],
  );
  const confirmed = preview.items.filter((i) => i.function !== 'bulk-4');
  const out = await applyBulkUpdate(one.gateway, confirmed);
  assert.deepEqual(
    out.map((o) => o.status),
    ['ok', 'ok'],
  );
  assert.deepEqual(await layersOf(one.gateway, 'bulk-1'), [other, v3]);
  assert.deepEqual(await layersOf(one.gateway, 'bulk-2'), [v3]);
  assert.deepEqual(await layersOf(one.gateway, 'bulk-4'), [v1], 'not confirmed, not touched');
});

test('publishing the same zip twice is a no-op; force publishes', async () => {
  const zip = join(dir, 'same.zip');
  await layerZip(zip, 'same');
  const first = await publishLayer(one.gateway, { zipPath: zip, name: 'same', description: 'd' });
  const second = await publishLayer(one.gateway, { zipPath: zip, name: 'same', description: 'd' });
  assert.equal(second.kind, 'unchanged');
  assert.equal(
    second.kind === 'unchanged' && second.existing.LayerVersionArn,
    first.kind === 'published' && first.layerVersion.LayerVersionArn,
  );
  const forced = await publishLayer(one.gateway, { zipPath: zip, name: 'same', description: 'd', force: true });
  assert.equal(forced.kind === 'published' && forced.layerVersion.Version, 2);
});

test(
  'two clients doing 20 interleaved attach/detach operations on one function lose nothing',
  { timeout: 180_000 },
  async () => {
    const a = [await publish('mix-a1'), await publish('mix-a2')];
    const a1v2 = await publish('mix-a1');
    const b = [await publish('mix-b1'), await publish('mix-b2')];
    await createFunction('mix-fn');
    // Each client owns two layers, so the final set is known whatever the interleaving.
    type Op = ['attach' | 'detach', string];
    const opsOne: Op[] = [
      ['attach', a[0]],
      ['attach', a[1]],
      ['detach', a[0]],
      ['attach', a[0]],
      ['detach', a[1]],
      ['attach', a[1]],
      ['attach', a1v2],
      ['detach', a[1]],
      ['attach', a[1]],
      ['detach', a[1]],
    ];
    const opsTwo: Op[] = [
      ['attach', b[0]],
      ['attach', b[1]],
      ['detach', b[1]],
      ['detach', b[0]],
      ['attach', b[1]],
      ['attach', b[0]],
      ['detach', b[0]],
      ['attach', b[0]],
      ['detach', b[0]],
      ['attach', b[0]],
    ];
    const stats = { revision: 0, busy: 0 };
    const run = async (gw: LambdaGateway, ops: Op[]) => {
      for (const [kind, arn] of ops) {
        await mutateFunctionLayers(
          gw,
          'mix-fn',
          (cur) => (kind === 'attach' ? attachLayer(cur, arn) : detachLayer(cur, arn)),
          {
            onProgress: (p) => p.phase === 'retrying' && stats[p.reason === 'revision-changed' ? 'revision' : 'busy']++,
          },
        );
      }
    };
    await Promise.all([run(one.gateway, opsOne), run(two.gateway, opsTwo)]);
    assert.deepEqual(new Set(await layersOf(one.gateway, 'mix-fn')), new Set([a1v2, b[1], b[0]]));
    assert.ok(stats.revision + stats.busy > 0, `the clients really collided: ${JSON.stringify(stats)}`);
  },
);
