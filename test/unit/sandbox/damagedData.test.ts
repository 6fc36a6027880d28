// The store at start over a data folder with damaged records and stray files: it always loads, keeps what is
// healthy, sets the damaged aside in quarantine/ and deletes no blob a quarantined record may need.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { counterProblem, functionProblem, layerVersionProblem } from '../../../src/sandbox/store/recordShape';
import type { FunctionRecord, LayerVersionRecord } from '../../../src/sandbox/store/records';
import { Store } from '../../../src/sandbox/store/store';
import type { Log } from '../../../src/util/log';

const hexOf = (s: string) => createHash('sha256').update(s).digest('hex');
const b64Of = (s: string) => createHash('sha256').update(s).digest('base64');

function fnRecord(name: string, code: string): FunctionRecord {
  return {
    name,
    runtime: 'python3.12',
    role: 'arn:aws:iam::123456789012:role/r',
    handler: 'h.handler',
    description: '',
    timeout: 3,
    memorySize: 128,
    lastModified: '2024-01-01T00:00:00.000+0000',
    codeSha256: b64Of(code),
    codeSize: code.length,
    codeBlob: hexOf(code),
    codeUnzippedSize: 1,
    layers: [],
    architectures: ['x86_64'],
    ephemeralStorageMb: 512,
    tracingMode: 'PassThrough',
    revisionId: 'r',
    state: 'Active',
    lastUpdateStatus: 'Successful',
  };
}

function layerRecord(name: string, version: number, content: string): LayerVersionRecord {
  return {
    name,
    version,
    description: '',
    createdDate: '2024-01-01T00:00:00.000+0000',
    codeSha256: b64Of(content),
    codeSize: content.length,
    blob: hexOf(content),
    unzippedSize: 1,
  };
}

/** A log that keeps its warnings, to assert what the user is told. */
function recordingLog(): Log & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, trace() {}, debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} };
}

describe('damaged data at start', () => {
  let data: string;
  const put = async (rel: string, content: string | Buffer) => {
    await fs.mkdir(dirname(join(data, rel)), { recursive: true });
    await fs.writeFile(join(data, rel), content);
  };
  const blob = (content: string) => put(`blobs/${hexOf(content)}.zip`, content);
  const exists = (rel: string) =>
    fs.stat(join(data, rel)).then(
      () => true,
      () => false,
    );
  beforeEach(async () => {
    data = await fs.mkdtemp(join(tmpdir(), 'damaged-'));
  });
  afterEach(() => fs.rm(data, { recursive: true, force: true }));

  it('quarantines every kind of damaged function record, keeps the healthy one and leaves stray files alone', async () => {
    const fns = 'regions/us-east-1/functions';
    const good = JSON.stringify(fnRecord('good', 'good code'));
    await blob('good code');
    await put(`${fns}/good.json`, good);
    await put(`${fns}/bom.json`, `\uFEFF${JSON.stringify(fnRecord('bom', 'good code'))}`);
    await put(`${fns}/empty.json`, '');
    await put(`${fns}/half.json`, JSON.stringify(fnRecord('half', 'half code')).slice(0, 90));
    await put(`${fns}/garbage.json`, Buffer.from([0xff, 0x00, 0x13, 0x37, 0x80]));
    await put(`${fns}/shape.json`, JSON.stringify({ name: 'shape', timeout: 'soon' }));
    await put(`${fns}/list.json`, '[1,2]');
    await put(`${fns}/mismatch.json`, JSON.stringify(fnRecord('other', 'good code')));
    await put(`${fns}/badblob.json`, JSON.stringify({ ...fnRecord('badblob', 'x'), codeBlob: '../../../etc/passwd' }));
    await put(`${fns}/.DS_Store`, 'mac');
    await put(`${fns}/notes.txt`, 'mine');
    await put(`${fns}/backup/good.json`, good);
    await put(`${fns}/.good.json.0123456789ab.tmp`, '{"half');
    await put('.DS_Store', 'mac');
    await put('backup/regions/us-east-1/functions/good.json', good);
    await put('regions/not-a-region/functions/x.json', 'x');
    await put('regions/.DS_Store', 'mac');
    await put('accounts/.DS_Store', 'mac');

    const log = recordingLog();
    const store = new Store(data, { log });
    const loaded = await store.load();

    assert.deepEqual(
      loaded.map((l) => l.fn.name).sort(),
      ['bom', 'good'],
      'a byte order mark (an editor used to repair it) is fine',
    );
    const reasons = new Map(store.quarantine.entries.map((e) => [e.path.split(/[\\/]/).pop(), e.reason]));
    assert.deepEqual([...reasons.keys()].sort(), [
      'badblob.json',
      'empty.json',
      'garbage.json',
      'half.json',
      'list.json',
      'mismatch.json',
      'shape.json',
    ]);
    assert.equal(reasons.get('empty.json'), 'it is empty (0 bytes)');
    assert.match(reasons.get('half.json')!, /^it is not valid JSON \(/);
    assert.match(reasons.get('garbage.json')!, /not valid JSON/);
    assert.equal(reasons.get('shape.json'), "'role' is missing");
    assert.equal(reasons.get('list.json'), 'it holds a list, not a JSON object');
    assert.equal(reasons.get('mismatch.json'), "its name 'other' does not match its file name mismatch.json");
    assert.equal(reasons.get('badblob.json'), "'codeBlob' is not a SHA-256 hex digest");
    for (const e of store.quarantine.entries) {
      assert.ok(await fs.stat(join(store.quarantine.dir, e.path)), `${e.path} is in the quarantine folder`);
      assert.equal(await exists(e.path), false, `${e.path} left its place`);
      assert.ok(
        log.warnings.some((w) => w.includes(e.path) && w.includes(e.reason)),
        `the log names ${e.path} and why`,
      );
    }
    assert.ok(log.warnings.some((w) => w.includes(`7 damaged record(s) were moved to ${store.quarantine.dir}`)));
    for (const stray of [
      `${fns}/.DS_Store`,
      `${fns}/notes.txt`,
      `${fns}/backup/good.json`,
      '.DS_Store',
      'backup/regions/us-east-1/functions/good.json',
      'regions/not-a-region/functions/x.json',
    ]) {
      assert.equal(await exists(stray), true, `${stray} was left alone`);
    }
    assert.equal(await exists(`${fns}/.good.json.0123456789ab.tmp`), false, 'our own temp file is removed');
  });

  it('a start with nothing damaged quarantines nothing and says nothing', async () => {
    await blob('c');
    await put('regions/us-east-1/functions/f.json', JSON.stringify(fnRecord('f', 'c')));
    const log = recordingLog();
    const store = new Store(data, { log });
    await store.load();
    assert.deepEqual(store.quarantine.entries, []);
    assert.deepEqual(log.warnings, []);
    assert.equal(await exists('quarantine'), false);
  });

  it('quarantined layer versions keep their numbers, across restarts', async () => {
    const pkg = 'regions/us-east-1/layers/pkg';
    await blob('one');
    await put(`${pkg}/1.json`, JSON.stringify(layerRecord('pkg', 1, 'one')));
    await put(`${pkg}/2.json`, '{"name":"pkg","vers');
    await put(`${pkg}/3.json`, JSON.stringify(layerRecord('pkg', 4, 'one')));
    await put(`${pkg}/4.json`, JSON.stringify(layerRecord('other', 4, 'one')));
    await put(`${pkg}/backup/5.json`, JSON.stringify(layerRecord('pkg', 5, 'one')));
    await put('regions/us-east-1/layers/.DS_Store', 'mac');
    await put('regions/us-east-1/layers/bad name/1.json', 'x');

    const store = new Store(data);
    await store.load();
    const layers = store.region('us-east-1').layers;
    assert.deepEqual(
      layers.versionsOf('pkg').map((v) => v.version),
      [1],
    );
    const reasons = new Map(store.quarantine.entries.map((e) => [e.path.split(/[\\/]/).pop(), e.reason]));
    assert.equal(reasons.size, 3);
    assert.match(reasons.get('2.json')!, /not valid JSON/);
    assert.equal(reasons.get('3.json'), 'its version 4 does not match its file name 3.json');
    assert.equal(reasons.get('4.json'), "its name 'other' does not match its folder 'pkg'");
    assert.equal(await exists(`${pkg}/backup/5.json`), true);

    const again = new Store(data);
    await again.load();
    const next = await again.region('us-east-1').layers.publish('pkg', (v) => layerRecord('pkg', v, 'one'));
    assert.equal(next.version, 5, 'numbers of quarantined versions (up to 4) are not handed out again');
  });

  it('a damaged counter.json is quarantined and the highest version still counts', async () => {
    const pkg = 'regions/us-east-1/layers/pkg';
    await blob('one');
    await put(`${pkg}/2.json`, JSON.stringify(layerRecord('pkg', 2, 'one')));
    await put(`${pkg}/counter.json`, '');
    const store = new Store(data);
    await store.load();
    assert.deepEqual(
      store.quarantine.entries.map((e) => e.reason),
      ['it is empty (0 bytes)'],
    );
    assert.equal(
      (await store.region('us-east-1').layers.publish('pkg', (v) => layerRecord('pkg', v, 'one'))).version,
      3,
    );
  });

  it('the collector spares blobs quarantined records name (hex or base64), across restarts and at runtime', async () => {
    await Promise.all(['live', 'named by hex', 'named by base64', 'orphan'].map(blob));
    await put('blobs/.DS_Store', 'mac');
    await put(`blobs/.${hexOf('x')}.zip.0123456789ab.tmp`, 'partial');
    await put('regions/us-east-1/functions/live.json', JSON.stringify(fnRecord('live', 'live')));
    // Valid JSON, wrong shape: what it names is all it can name.
    await put(
      'regions/us-east-1/functions/wrong.json',
      JSON.stringify({ ...fnRecord('wrong', 'named by hex'), role: 7 }),
    );
    await put(
      'regions/us-east-1/layers/l/1.json',
      JSON.stringify({ ...layerRecord('l', 1, 'x'), blob: 'nope', codeSha256: b64Of('named by base64') }),
    );

    for (let start = 0; start < 2; start++) {
      const store = new Store(data);
      await store.load();
      assert.deepEqual(
        (await fs.readdir(join(data, 'blobs'))).sort(),
        ['.DS_Store', ...['live', 'named by hex', 'named by base64'].map((c) => `${hexOf(c)}.zip`)].sort(),
      );
    }
    // A later delete at runtime spares them too.
    const store = new Store(data);
    await store.load();
    await store.blobs.deleteIfUnused(hexOf('named by hex'));
    assert.equal(await exists(`blobs/${hexOf('named by hex')}.zip`), true);
  });

  it('while a quarantined record is not JSON, no unreferenced blob is deleted (it may have named any), and the log says why', async () => {
    await Promise.all(['live', 'orphan'].map(blob));
    await put('regions/us-east-1/functions/live.json', JSON.stringify(fnRecord('live', 'live')));
    await put('regions/us-east-1/functions/torn.json', '{"name":"torn","codeBlob":"');
    const log = recordingLog();
    const store = new Store(data, { log });
    await store.load();
    assert.equal(await exists(`blobs/${hexOf('orphan')}.zip`), true);
    assert.ok(log.warnings.some((w) => /Kept 1 unreferenced zip/.test(w)));
    await store.blobs.deleteIfUnused(hexOf('orphan'));
    assert.equal(await exists(`blobs/${hexOf('orphan')}.zip`), true);

    // Once the user clears the quarantine, the next start collects it.
    await fs.rm(join(data, 'quarantine'), { recursive: true });
    await new Store(data).load();
    assert.equal(await exists(`blobs/${hexOf('orphan')}.zip`), false);
  });

  it('a record whose zip is missing is kept, and the start names it', async () => {
    await put('regions/us-east-1/functions/lost.json', JSON.stringify(fnRecord('lost', 'gone')));
    await put('regions/us-east-1/layers/l/1.json', JSON.stringify(layerRecord('l', 1, 'gone too')));
    const log = recordingLog();
    const store = new Store(data, { log });
    await store.load();
    assert.equal(store.region('us-east-1').functions.get('lost')?.codeBlob, hexOf('gone'));
    assert.equal(store.region('us-east-1').layers.get('l', 1)?.blob, hexOf('gone too'));
    assert.deepEqual(store.quarantine.entries, []);
    assert.ok(
      log.warnings.some(
        (w) => w.startsWith('function lost (us-east-1)') && w.includes(`${hexOf('gone')}.zip is missing`),
      ),
    );
    assert.ok(
      log.warnings.some(
        (w) => w.startsWith('layer version l:1 (us-east-1)') && w.includes(`${hexOf('gone too')}.zip is missing`),
      ),
    );
    assert.equal(await store.blobs.firstMissing([hexOf('gone')]), hexOf('gone'));
  });

  it('a place in the layout taken by a file of the wrong kind does not stop the start', async () => {
    await put('regions/us-east-1', 'a file where a folder belongs');
    await put('regions/eu-west-1/functions', 'same');
    await put('regions/eu-west-1/layers/pkg', 'same');
    await put('blobs', 'same');
    await put('accounts/210987654321/us-east-1', 'same');
    const store = new Store(data);
    assert.deepEqual(await store.load(), []);
    assert.deepEqual(store.quarantine.entries, []);
  });
});

describe('record shape', () => {
  it('accepts what the endpoint writes, extra members included, and names the first problem otherwise', () => {
    assert.equal(functionProblem(fnRecord('f', 'c'), 'f'), undefined);
    assert.equal(functionProblem({ ...fnRecord('f', 'c'), futureField: 1 }, 'f'), undefined);
    assert.equal(functionProblem(null, 'f'), 'it holds null, not a JSON object');
    assert.equal(functionProblem('x', 'f'), 'it holds a string, not a JSON object');
    assert.equal(
      functionProblem({ ...fnRecord('f', 'c'), state: 'Failed' }, 'f'),
      "'state' is not 'Pending' or 'Active'",
    );
    assert.equal(
      functionProblem({ ...fnRecord('f', 'c'), layers: [{ arn: 'a' }] }, 'f'),
      "'layers' is not a list of layer references",
    );
    assert.equal(
      functionProblem({ ...fnRecord('f', 'c'), environment: { A: 1 } }, 'f'),
      "'environment' is not an object of strings",
    );
    assert.equal(layerVersionProblem(layerRecord('l', 2, 'c'), 'l', 2), undefined);
    assert.equal(
      layerVersionProblem({ ...layerRecord('l', 2, 'c'), codeSize: -1 }, 'l', 2),
      "'codeSize' is not a byte count",
    );
    assert.equal(counterProblem({ last: 3 }), undefined);
    assert.equal(counterProblem({ last: '3' }), "'last' is not a version number");
  });

  it('checks published versions and aliases inside a function record: a damaged one sets the function aside', () => {
    const fn = fnRecord('f', 'c') as unknown as Record<string, unknown>;
    const version = { ...fn, version: 1, sourceDigest: 'd' };
    const alias = { name: 'live', functionVersion: '1', description: '', weights: { 2: 0.5 }, revisionId: 'r' };
    assert.equal(functionProblem({ ...fn, versions: [version], lastVersion: 1, aliases: [alias] }, 'f'), undefined);
    assert.equal(
      functionProblem({ ...fn, versions: [{ ...version, codeBlob: '../x' }] }, 'f'),
      "'versions' is not a list of published versions",
    );
    assert.equal(
      functionProblem({ ...fn, aliases: [{ ...alias, weights: { 2: 3 } }] }, 'f'),
      "'aliases' is not a list of aliases",
    );
    assert.equal(
      functionProblem({ ...fn, aliases: [{ ...alias, functionVersion: '../1' }] }, 'f'),
      "'aliases' is not a list of aliases",
    );
  });
});
