// A full disk under the store, injected: the request fails with the ServiceException the user can act on, leaves no
// blob or in-memory state behind, and the next write works as soon as there is space again.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDiskFull, type WriteFile } from '../../../src/sandbox/store/diskFull';
import type { FunctionRecord, LayerVersionRecord } from '../../../src/sandbox/store/records';
import { Store } from '../../../src/sandbox/store/store';
import { ApiError } from '../../../src/sandbox/wire';
import { writeFileAtomic } from '../../../src/util/fsAtomic';
import type { Log } from '../../../src/util/log';

const layer =
  (blob: string) =>
  (version: number): LayerVersionRecord => ({
    name: 'pkg',
    version,
    description: '',
    createdDate: 'd',
    codeSha256: 'x',
    codeSize: 1,
    blob,
    unzippedSize: 1,
  });

function isDiskFullAnswer(e: unknown): boolean {
  assert.ok(e instanceof ApiError);
  assert.equal(e.status, 500);
  assert.equal(e.code, 'ServiceException');
  assert.match(e.message, /^No space left on the endpoint's data folder: nothing was stored\. Free disk space/);
  return true;
}

describe('disk full (injected)', () => {
  let data: string;
  let store: Store;
  let warnings: string[];
  /** Which writes fail with ENOSPC while set. */
  let failing: ((path: string) => boolean) | undefined;
  const write: WriteFile = (path, bytes) =>
    failing?.(path)
      ? Promise.reject(Object.assign(new Error('no space'), { code: 'ENOSPC' }))
      : writeFileAtomic(path, bytes);

  beforeEach(async () => {
    data = await fs.mkdtemp(join(tmpdir(), 'diskfull-'));
    warnings = [];
    const log: Log = { trace() {}, debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
    store = new Store(data, { log, writeFile: write });
    await store.load();
    failing = undefined;
  });
  afterEach(() => fs.rm(data, { recursive: true, force: true }));

  it('a blob that cannot be written answers ServiceException, says where in the log, and pins nothing', async () => {
    failing = (p) => p.endsWith('.zip');
    await assert.rejects(store.blobs.put(Buffer.from('zip')), isDiskFullAnswer);
    assert.match(
      warnings.join('\n'),
      new RegExp(
        `No space left on the disk of the data folder ${data.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} \\(ENOSPC\\)`,
      ),
    );
    failing = undefined;
    const hex = await store.blobs.put(Buffer.from('zip'));
    await store.blobs.release(hex);
    assert.deepEqual(
      await fs.readdir(join(data, 'blobs')),
      [],
      'released and unreferenced: no pin was left from the failure',
    );
  });

  it('a record that cannot be written leaves no blob and no state: the next publish gets the number the failed one would have', async () => {
    failing = (p) => p.endsWith('.json');
    const hex = await store.blobs.put(Buffer.from('zip'));
    const layers = store.region('us-east-1').layers;
    await assert.rejects(layers.publish('pkg', layer(hex)), isDiskFullAnswer);
    await store.blobs.release(hex); // what the route does in its finally
    assert.deepEqual(await fs.readdir(join(data, 'blobs')), []);
    assert.deepEqual(layers.versionsOf('pkg'), []);

    failing = undefined;
    const again = await store.blobs.put(Buffer.from('zip'));
    assert.equal((await layers.publish('pkg', layer(again))).version, 1);
    await store.blobs.release(again);
    assert.deepEqual(await fs.readdir(join(data, 'blobs')), [`${again}.zip`]);
  });

  it('a function change that cannot be written keeps the previous record, in memory and on disk', async () => {
    const functions = store.region('us-east-1').functions;
    const v1 = { name: 'f', revisionId: 'one' } as FunctionRecord;
    await functions.modify('f', () => ({ next: v1, result: undefined }));
    failing = () => true;
    await assert.rejects(
      functions.modify('f', () => ({ next: { ...v1, revisionId: 'two' }, result: undefined })),
      isDiskFullAnswer,
    );
    assert.equal(functions.get('f')?.revisionId, 'one');
    assert.equal(
      (JSON.parse(await fs.readFile(join(data, 'regions/us-east-1/functions/f.json'), 'utf8')) as FunctionRecord)
        .revisionId,
      'one',
    );
    failing = undefined;
    await functions.modify('f', () => ({ next: { ...v1, revisionId: 'three' }, result: undefined }));
    assert.equal(functions.get('f')?.revisionId, 'three');
  });

  it('ENOSPC and EDQUOT are a full disk; other errors are not', () => {
    assert.equal(isDiskFull(Object.assign(new Error(), { code: 'ENOSPC' })), true);
    assert.equal(isDiskFull(Object.assign(new Error(), { code: 'EDQUOT' })), true);
    assert.equal(isDiskFull(Object.assign(new Error(), { code: 'EIO' })), false);
    assert.equal(isDiskFull(undefined), false);
  });
});
