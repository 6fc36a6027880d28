import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LayerStore } from '../../../src/sandbox/store/layers';
import { Quarantine } from '../../../src/sandbox/store/quarantine';
import { Store } from '../../../src/sandbox/store/store';
import type { LayerVersionRecord } from '../../../src/sandbox/store/records';
import { writeFileAtomic } from '../../../src/util/fsAtomic';
import { silentLog } from '../../../src/util/log';

const record =
  (name: string, blob: string) =>
  (version: number): LayerVersionRecord => ({
    name,
    version,
    description: '',
    createdDate: '2024-01-01T00:00:00.000+0000',
    codeSha256: 'x',
    codeSize: 1,
    blob,
    unzippedSize: 1,
  });

describe('persistence', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'store-test-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('never reuses a version number, across deletes and restarts', async () => {
    const layersDir = join(dir, 'layers');
    const a = new LayerStore(layersDir, writeFileAtomic);
    await a.load(new Quarantine(dir, silentLog));
    await Promise.all([1, 2, 3].map(() => a.publish('deps', record('deps', 'b'.repeat(64)))));
    assert.deepEqual(
      a.versionsOf('deps').map((r) => r.version),
      [3, 2, 1],
    );
    await a.delete('deps', 3);
    const b = new LayerStore(layersDir, writeFileAtomic);
    await b.load(new Quarantine(dir, silentLog));
    assert.deepEqual(
      b.versionsOf('deps').map((r) => r.version),
      [2, 1],
    );
    assert.equal((await b.publish('deps', record('deps', 'b'.repeat(64)))).version, 4);
  });

  it('a start removes temp files and unreferenced blobs left by an interrupted write', async () => {
    const data = join(dir, 'data');
    const s1 = new Store(data);
    await s1.load();
    const hex = await s1.blobs.put(Buffer.from('zip bytes'));
    await s1.region('us-east-1').layers.publish('kept', record('kept', hex));
    s1.blobs.unpin(hex);
    const orphan = await s1.blobs.put(Buffer.from('never referenced'));
    await fs.writeFile(join(data, 'blobs', `.${orphan}.zip.0123456789ab.tmp`), 'partial');
    await fs.writeFile(join(data, 'regions/us-east-1/layers/kept/.2.json.0123456789ab.tmp'), '{"half":');

    const s2 = new Store(data);
    await s2.load();
    assert.deepEqual(await fs.readdir(join(data, 'blobs')), [`${hex}.zip`]);
    assert.deepEqual(await fs.readdir(join(data, 'regions/us-east-1/layers/kept')), ['1.json']);
    assert.equal(s2.region('us-east-1').layers.get('kept', 1)?.blob, hex);
  });
});
