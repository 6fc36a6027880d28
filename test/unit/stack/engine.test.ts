import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { stackBudget } from '../../../src/stack/budget';
import { zipContents, topLevelModule } from '../../../src/stack/packages';
import { findShadowing, type StackSource } from '../../../src/stack/shadowing';
import { readZipIndex, readZipFile } from '../../../src/stack/zipIndex';
import { UNZIPPED_LIMIT } from '../../../src/layer/manifest';
import { bytesOf, dist, tempDir, writeZip } from './fixtures';

const SITE = 'python/lib/python3.12/site-packages';

async function source(
  dir: string,
  name: string,
  kind: 'function' | 'layer',
  files: Record<string, string | Buffer>,
): Promise<StackSource> {
  const path = await writeZip(join(dir, `${name}.zip`), files);
  return { source: name, kind, contents: zipContents(kind, await readZipIndex(path)) };
}

test('the central directory gives exact unzipped totals and per-package sizes; nothing else is read', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const requests = dist(SITE, 'requests', '2.32.3', 'r'.repeat(5000));
    const files = {
      ...requests,
      ...dist('python', 'six', '1.16.0'),
      'lib/libfoo.so': Buffer.alloc(777),
      'python/requests/__pycache__/__init__.cpython-312.pyc': 'pyc',
    };
    const path = await writeZip(join(dir, 'layer.zip'), files);
    const index = await readZipIndex(path);
    assert.equal(index.unzippedBytes, bytesOf(files));
    const contents = zipContents('layer', index);
    const req = contents.packages.find((p) => p.name === 'requests')!;
    assert.equal(req.version, '2.32.3');
    assert.equal(req.size, bytesOf(requests));
    assert.deepEqual(req.modules, ['requests']);
    assert.equal(req.dir, SITE);
    assert.equal(contents.hasBytecode, true);
    assert.ok(
      contents.modules.some((m) => m.name === 'requests' && m.dir === 'python' && m.package === undefined),
      'a copy in python/ nobody claims',
    );
    assert.ok(!contents.modules.some((m) => m.name === 'lib'), 'python/lib is the site-packages path, not a module');
    assert.deepEqual(await readZipFile(path, 'lib/libfoo.so', 1000), Buffer.alloc(777));
    assert.equal(await readZipFile(path, 'missing', 10), undefined);
    await assert.rejects(readZipFile(path, 'lib/libfoo.so', 10), RangeError);
  } finally {
    await cleanup();
  }
});

test('budget: parts, total against the limit, packages largest first, the unclaimed rest', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const code = { 'app.py': 'a'.repeat(100) };
    const layer = {
      ...dist('python', 'big', '1.0', 'b'.repeat(3000)),
      ...dist('python', 'small', '1.0'),
      'bin/tool': 'tool',
    };
    const budget = stackBudget([
      await source(dir, 'function', 'function', code),
      await source(dir, 'arn:l:1', 'layer', layer),
    ]);
    assert.equal(budget.limit, UNZIPPED_LIMIT);
    assert.deepEqual(
      budget.parts.map((p) => [p.source, p.unzipped]),
      [
        ['function', 100],
        ['arn:l:1', bytesOf(layer)],
      ],
    );
    assert.equal(budget.total, 100 + bytesOf(layer));
    assert.deepEqual(
      budget.parts[1].packages.map((p) => p.name),
      ['big', 'small'],
    );
    assert.equal(budget.parts[1].otherBytes, 4);
    assert.equal(budget.parts[0].otherBytes, 100);
    assert.equal(budget.level, 'ok');
  } finally {
    await cleanup();
  }
});

test('shadowing: function code beats layers, site-packages beats python/, a later layer beats an earlier one, layers beat the runtime', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const fn = await source(dir, 'function', 'function', { 'app.py': '', 'requests/__init__.py': '' });
    const one = await source(dir, 'L1', 'layer', {
      ...dist('python', 'requests', '2.0.0'),
      ...dist(SITE, 'botocore', '1.20.0'),
      ...dist('python', 'attrs', '21.0'),
    });
    const two = await source(dir, 'L2', 'layer', {
      ...dist('python', 'requests', '2.31.0'),
      ...dist('python', 'attrs', '23.1'),
      ...dist('python/lib/python3.9/site-packages', 'old', '1'),
    });
    const shadowed = findShadowing('python3.12', [fn, one, two]);
    const byModule = new Map(shadowed.map((s) => [s.module, s]));
    assert.deepEqual([...byModule.keys()], ['attrs', 'botocore', 'requests']);
    const requests = byModule.get('requests')!;
    assert.equal(requests.winner, 'function');
    assert.deepEqual(
      requests.providers.map((p) => [p.source, p.path, p.version]),
      [
        ['function', '/var/task', undefined],
        ['L2', '/opt/python', '2.31.0'],
        ['L1', '/opt/python', '2.0.0'],
      ],
    );
    assert.equal(byModule.get('attrs')!.winner, 'L2', 'the later layer overwrites the earlier one in /opt');
    const botocore = byModule.get('botocore')!;
    assert.equal(botocore.winner, 'L1', "a layer's botocore shadows the runtime's");
    assert.deepEqual(
      botocore.providers.map((p) => p.source),
      ['L1', 'runtime'],
    );
    assert.equal(botocore.conflict, true);
    assert.ok(!byModule.has('old'), 'a site-packages folder for another Python is not on sys.path');
    assert.ok(!byModule.has('app'));
  } finally {
    await cleanup();
  }
});

test('site-packages wins over python/ even in an earlier layer', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const one = await source(dir, 'L1', 'layer', dist(SITE, 'pydantic', '2.7.0'));
    const two = await source(dir, 'L2', 'layer', dist('python', 'pydantic', '1.10.0'));
    const [p] = findShadowing('python3.12', [one, two]);
    assert.equal(p.winner, 'L1');
    assert.deepEqual(
      p.providers.map((x) => x.path),
      [`/opt/${SITE}`, '/opt/python'],
    );
  } finally {
    await cleanup();
  }
});

test('Node.js packages are found in node_modules with their package.json version', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const layer = await source(dir, 'L', 'layer', {
      'nodejs/node_modules/lodash/package.json': '{"name":"lodash","version":"4.17.21"}',
      'nodejs/node_modules/lodash/index.js': 'module.exports = {}',
      'nodejs/node_modules/@aws-sdk/client-s3/package.json': '{"version":"3.1.0"}',
    });
    const fn = await source(dir, 'function', 'function', {
      'node_modules/lodash/package.json': '{"version":"4.0.0"}',
      'index.js': '',
    });
    assert.deepEqual(
      layer.contents.packages.map((p) => [p.name, p.version]),
      [
        ['@aws-sdk/client-s3', '3.1.0'],
        ['lodash', '4.17.21'],
      ],
    );
    const [lodash] = findShadowing('nodejs20.x', [fn, layer]);
    assert.equal(lodash.module, 'lodash');
    assert.equal(lodash.winner, 'function');
    assert.deepEqual(
      lodash.providers.map((p) => p.version),
      ['4.0.0', '4.17.21'],
    );
  } finally {
    await cleanup();
  }
});

test('top-level module names of files', () => {
  assert.equal(topLevelModule('six.py'), 'six');
  assert.equal(topLevelModule('_cffi_backend.cpython-312-x86_64-linux-gnu.so'), '_cffi_backend');
  assert.equal(topLevelModule('yaml/__init__.py'), 'yaml');
  assert.equal(topLevelModule('__pycache__/six.cpython-312.pyc'), undefined);
  assert.equal(topLevelModule('requests-2.0.dist-info/METADATA'), undefined);
  assert.equal(topLevelModule('README.md'), undefined);
});
