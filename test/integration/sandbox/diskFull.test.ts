// A real full disk: the endpoint's data folder on a 2 MB tmpfs. Needs Linux and the right to mount (root here and
// in CI); elsewhere it is skipped with the reason, and test/unit/sandbox/diskFull.test.ts covers the same paths
// with an injected failure.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateFunctionCommand,
  DeleteLayerVersionCommand,
  LambdaClient,
  ListFunctionsCommand,
  PublishLayerVersionCommand,
  type LambdaServiceException,
} from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server';
import { TEST_ROLE, makeZip } from '../../helpers/sandbox';

/** Stored (not deflated) random bytes: the zip is as big on disk as it says. */
const bigZip = () => makeZip([{ name: 'python/blob.bin', data: randomBytes(1200 * 1024) }]);

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await filesUnder(join(dir, e.name))));
    else out.push(join(dir, e.name));
  }
  return out;
}

function mountTmpfs(dir: string): string | undefined {
  if (process.platform !== 'linux') return `a tmpfs needs Linux (this is ${process.platform})`;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return `cannot mount a 2 MB tmpfs here (${String((e as { stderr?: Buffer }).stderr ?? e).trim()}): run as root to test a real full disk`;
  }
}

const diskFull = (e: unknown) => {
  const err = e as LambdaServiceException;
  assert.equal(err.name, 'ServiceException');
  assert.equal(err.$metadata.httpStatusCode, 500);
  assert.match(err.message, /^No space left on the endpoint's data folder: nothing was stored\. Free disk space there/);
  return true;
};

describe('disk full on the data folder (tmpfs)', () => {
  let mountPoint: string;
  let skip: string | undefined;
  let sandbox: Sandbox;
  let client: LambdaClient;
  const warnings: string[] = [];

  before(async () => {
    mountPoint = await fs.mkdtemp(join(tmpdir(), 'sandbox-full-'));
    skip = mountTmpfs(mountPoint);
    if (skip) return;
    const log = { trace() {}, debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
    sandbox = await startSandbox({ dataDir: join(mountPoint, 'data'), updateDelayMs: 10, log });
    // One attempt: the SDK would retry a 500 three times against the same full disk.
    client = new LambdaClient({
      endpoint: sandbox.url,
      region: 'us-east-1',
      credentials: sandbox.credentials,
      maxAttempts: 1,
    });
  });
  after(async () => {
    client?.destroy();
    await sandbox?.close();
    if (!skip) execFileSync('umount', [mountPoint]);
    await fs.rm(mountPoint, { recursive: true, force: true });
  });

  it('a publish that does not fit answers ServiceException, leaves nothing behind, and the next one works once space is back', async (t) => {
    if (skip) return t.skip(skip);
    const data = join(mountPoint, 'data');
    const first = await client.send(new PublishLayerVersionCommand({ LayerName: 'a', Content: { ZipFile: bigZip() } }));
    const blobsAfterFirst = await fs.readdir(join(data, 'blobs'));

    await assert.rejects(
      client.send(new PublishLayerVersionCommand({ LayerName: 'b', Content: { ZipFile: bigZip() } })),
      diskFull,
    );
    await assert.rejects(
      client.send(
        new CreateFunctionCommand({
          FunctionName: 'f',
          Runtime: 'python3.12',
          Role: TEST_ROLE,
          Handler: 'h.handler',
          Code: { ZipFile: bigZip() },
        }),
      ),
      diskFull,
    );
    assert.deepEqual(await fs.readdir(join(data, 'blobs')), blobsAfterFirst, 'no partial temp file and no orphan blob');
    assert.deepEqual(
      (await filesUnder(data)).filter((f) => f.endsWith('.tmp')),
      [],
    );
    assert.deepEqual((await client.send(new ListFunctionsCommand({}))).Functions, []);
    assert.ok(warnings.some((w) => w.includes(`No space left on the disk of the data folder ${data}`)));

    // Space comes back (the user deletes something); no restart.
    await client.send(new DeleteLayerVersionCommand({ LayerName: 'a', VersionNumber: first.Version! }));
    const b = await client.send(new PublishLayerVersionCommand({ LayerName: 'b', Content: { ZipFile: bigZip() } }));
    assert.equal(b.Version, 1);
  });

  it('a record that does not fit (its blob already stored) fails the same way and takes no version number', async (t) => {
    if (skip) return t.skip(skip);
    const data = join(mountPoint, 'data');
    const zip = makeZip([{ name: 'python/small.py', data: 'x = 1\n' }]);
    await client.send(new PublishLayerVersionCommand({ LayerName: 'c', Content: { ZipFile: zip } }));
    // Fill what is left; the same bytes published again need no new blob, only a record.
    const filler = join(mountPoint, 'filler');
    await fs
      .writeFile(filler, randomBytes(4 * 1024 * 1024))
      .catch((e: NodeJS.ErrnoException) => assert.equal(e.code, 'ENOSPC'));
    await assert.rejects(
      client.send(new PublishLayerVersionCommand({ LayerName: 'c', Content: { ZipFile: zip } })),
      diskFull,
    );
    assert.deepEqual(
      (await filesUnder(data)).filter((f) => f.endsWith('.tmp')),
      [],
    );
    await fs.rm(filler);
    const next = await client.send(new PublishLayerVersionCommand({ LayerName: 'c', Content: { ZipFile: zip } }));
    assert.equal(next.Version, 2);
  });
});
