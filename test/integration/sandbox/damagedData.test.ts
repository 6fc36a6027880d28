// The endpoint restarted over a data folder someone (a crash, a sync tool, a person) damaged: it starts, serves the
// healthy records, reports what it set aside, and answers clearly for records whose zip is gone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetFunctionCommand,
  GetLayerVersionCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  PublishLayerVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server';
import type { Log } from '../../../src/util/log';
import { TEST_ROLE, createActiveFunction, handlerZip, lambdaClient, pythonPackageLayer } from '../../helpers/sandbox';

const HANDLER = 'import mypkg\ndef handler(event, context):\n    return mypkg.__version__\n';
const FNS = 'regions/us-east-1/functions';

function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  const keep = (m: string | Error) => void lines.push(String(m));
  return { lines, trace() {}, debug() {}, info: keep, warn: keep, error: keep };
}

describe('endpoint start over damaged data', () => {
  let data: string;
  let sandbox: Sandbox;
  let client: LambdaClient;
  let log: ReturnType<typeof recordingLog>;
  let lostLayerArn: string;
  let pkgArn: string;
  const blobOf = async (fn: string) =>
    (JSON.parse(await fs.readFile(join(data, FNS, `${fn}.json`), 'utf8')) as { codeBlob: string }).codeBlob;

  before(async () => {
    data = await fs.mkdtemp(join(tmpdir(), 'sandbox-damaged-'));
    // A healthy first run: a layer, two functions using it, a second layer.
    const first = await startSandbox({ dataDir: data, updateDelayMs: 10 });
    const c1 = lambdaClient(first);
    pkgArn = (
      await c1.send(
        new PublishLayerVersionCommand({
          LayerName: 'pkg',
          Content: { ZipFile: pythonPackageLayer('mypkg', '7.0.0') },
        }),
      )
    ).LayerVersionArn!;
    lostLayerArn = (
      await c1.send(
        new PublishLayerVersionCommand({
          LayerName: 'lost',
          Content: { ZipFile: pythonPackageLayer('lostpkg', '1.0.0') },
        }),
      )
    ).LayerVersionArn!;
    for (const name of ['healthy', 'lost-code']) {
      await createActiveFunction(c1, {
        FunctionName: name,
        Runtime: 'python3.12',
        Role: TEST_ROLE,
        Handler: 'lambda_function.handler',
        Code: { ZipFile: handlerZip(`${HANDLER}# ${name}\n`) },
        Layers: [pkgArn],
      });
    }
    c1.destroy();
    await first.close();

    // The damage.
    const healthy = await fs.readFile(join(data, FNS, 'healthy.json'), 'utf8');
    await fs.writeFile(join(data, FNS, 'empty.json'), '');
    await fs.writeFile(
      join(data, FNS, 'half.json'),
      healthy.replaceAll('healthy', 'half').slice(0, healthy.length >> 1),
    );
    await fs.writeFile(join(data, FNS, 'garbage.json'), Buffer.from('\x00\xffPK\x03\x04 not json', 'latin1'));
    await fs.writeFile(join(data, FNS, 'shape.json'), JSON.stringify({ name: 'shape', layers: 'none' }));
    await fs.writeFile(join(data, FNS, 'renamed.json'), healthy);
    await fs.writeFile(join(data, FNS, '.DS_Store'), 'Bud1');
    await fs.mkdir(join(data, 'backup', 'regions'), { recursive: true });
    await fs.writeFile(join(data, 'backup', 'regions', 'old.json'), healthy);
    await fs.mkdir(join(data, 'regions', 'us-east-1', 'layers', 'pkg', 'backup'), { recursive: true });
    await fs.writeFile(join(data, 'regions', 'us-east-1', 'layers', '.DS_Store'), 'Bud1');
    await fs.rm(join(data, 'blobs', `${await blobOf('lost-code')}.zip`));
    const lostLayer = JSON.parse(await fs.readFile(join(data, 'regions/us-east-1/layers/lost/1.json'), 'utf8')) as {
      blob: string;
    };
    await fs.rm(join(data, 'blobs', `${lostLayer.blob}.zip`));

    log = recordingLog();
    sandbox = await startSandbox({ dataDir: data, updateDelayMs: 10, log });
    client = lambdaClient(sandbox);
  });
  after(async () => {
    client?.destroy();
    await sandbox?.close();
    await fs.rm(data, { recursive: true, force: true });
  });

  it('starts, and reports each damaged record with its reason, moved to the quarantine folder', async () => {
    const reasons = Object.fromEntries(sandbox.quarantined.map((q) => [q.path, q.reason]));
    assert.deepEqual(
      Object.keys(reasons).sort(),
      ['empty', 'garbage', 'half', 'renamed', 'shape'].map((n) => join(FNS, `${n}.json`)).sort(),
    );
    assert.equal(reasons[join(FNS, 'empty.json')], 'it is empty (0 bytes)');
    assert.match(reasons[join(FNS, 'half.json')], /^it is not valid JSON/);
    assert.match(reasons[join(FNS, 'garbage.json')], /^it is not valid JSON/);
    assert.equal(reasons[join(FNS, 'shape.json')], "'role' is missing");
    assert.equal(reasons[join(FNS, 'renamed.json')], "its name 'healthy' does not match its file name renamed.json");
    assert.ok(sandbox.quarantineDir.startsWith(join(data, 'quarantine')));
    for (const q of sandbox.quarantined) {
      await fs.access(join(sandbox.quarantineDir, q.path));
      assert.ok(
        log.lines.some((l) => l.includes(`Quarantined ${q.path}: ${q.reason}`)),
        `log names ${q.path}`,
      );
    }
    // Not ours: untouched.
    await fs.access(join(data, FNS, '.DS_Store'));
    await fs.access(join(data, 'backup', 'regions', 'old.json'));
    await fs.access(join(data, 'regions', 'us-east-1', 'layers', 'pkg', 'backup'));
  });

  it('keeps serving the healthy records: listed, invoked with their layer', async () => {
    const names = ((await client.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName).sort();
    assert.deepEqual(names, ['healthy', 'lost-code']);
    const r = await client.send(new InvokeCommand({ FunctionName: 'healthy', Payload: Buffer.from('{}') }));
    assert.equal(r.FunctionError, undefined);
    assert.equal(Buffer.from(r.Payload!).toString(), '"7.0.0"');
  });

  it('a function whose code zip is gone keeps its metadata; Invoke and the download say what is missing and what to do', async () => {
    const hex = await blobOf('lost-code');
    assert.ok(
      log.lines.some((l) => l.startsWith('function lost-code (us-east-1)') && l.includes(`${hex}.zip is missing`)),
    );
    const got = await client.send(new GetFunctionCommand({ FunctionName: 'lost-code' }));
    assert.equal(got.Configuration?.Layers?.[0]?.Arn, pkgArn);
    const download = await fetch(got.Code!.Location!);
    assert.equal(download.status, 404);
    assert.match(
      await download.text(),
      new RegExp(`${hex}\\.zip is missing from the endpoint's data folder.*Upload the code again`),
    );
    await assert.rejects(
      client.send(new InvokeCommand({ FunctionName: 'lost-code', Payload: Buffer.from('{}') })),
      (e: Error) => {
        assert.equal(e.name, 'ResourceConflictException');
        assert.match(
          e.message,
          new RegExp(`function:lost-code cannot run: its code \\(${hex}\\.zip\\) is missing .* UpdateFunctionCode`),
        );
        return true;
      },
    );
    // Uploading the code again repairs it.
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'lost-code', ZipFile: handlerZip(HANDLER) }));
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.1 } as never, {
      FunctionName: 'lost-code',
    });
    const r = await client.send(new InvokeCommand({ FunctionName: 'lost-code', Payload: Buffer.from('{}') }));
    assert.equal(Buffer.from(r.Payload!).toString(), '"7.0.0"');
  });

  it('a layer version whose zip is gone is still listed; its download and attaching it say what is missing', async () => {
    const v = await client.send(new GetLayerVersionCommand({ LayerName: 'lost', VersionNumber: 1 }));
    const download = await fetch(v.Content!.Location!);
    assert.equal(download.status, 404);
    assert.match(await download.text(), /is missing from the endpoint's data folder/);
    await assert.rejects(
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'healthy', Layers: [pkgArn, lostLayerArn] })),
      (e: Error) => {
        assert.equal(e.name, 'InvalidParameterValueException');
        assert.match(
          e.message,
          new RegExp(
            `Layer version ${lostLayerArn} cannot be used: its content .* is missing .* Publish the layer again`,
          ),
        );
        return true;
      },
    );
    const healthy = await client.send(new GetFunctionCommand({ FunctionName: 'healthy' }));
    assert.deepEqual(
      healthy.Configuration?.Layers?.map((l) => l.Arn),
      [pkgArn],
      'nothing changed',
    );
  });

  it('a second start over the same folder quarantines nothing more and still serves', async () => {
    client.destroy();
    await sandbox.close();
    sandbox = await startSandbox({ dataDir: data, updateDelayMs: 10, log: recordingLog() });
    client = lambdaClient(sandbox);
    assert.deepEqual(sandbox.quarantined, []);
    const names = ((await client.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName).sort();
    assert.deepEqual(names, ['healthy', 'lost-code']);
  });
});
