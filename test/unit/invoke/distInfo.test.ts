import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeName, parseTopLevel, readLayerPackages } from '../../../src/invoke/distInfo';
import { writeZip } from './zipFixture';

const meta = (name: string, version: string) =>
  `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: x\n\nName: not-a-header\n`;
const SITE = 'python/lib/python3.12/site-packages';

test('reads packages, versions and top-level modules from dist-info in both layer roots', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'll-distinfo-'));
  try {
    const zip = join(dir, 'layer.zip');
    await writeZip(zip, {
      // setuptools style with top_level.txt, in python/
      'python/requests/__init__.py': '',
      'python/requests-2.32.3.dist-info/METADATA': meta('requests', '2.32.3'),
      'python/requests-2.32.3.dist-info/top_level.txt': 'requests\n',
      'python/requests-2.32.3.dist-info/RECORD': 'requests/__init__.py,sha256=x,0\n',
      // flit style without top_level.txt: modules come from RECORD
      [`${SITE}/typing_extensions.py`]: '',
      [`${SITE}/typing_extensions-4.12.2.dist-info/METADATA`]: meta('typing_extensions', '4.12.2'),
      [`${SITE}/typing_extensions-4.12.2.dist-info/RECORD`]:
        'typing_extensions.py,sha256=a,10\ntyping_extensions-4.12.2.dist-info/RECORD,,\n__pycache__/typing_extensions.cpython-312.pyc,,\n../../bin/tool,sha256=b,1\n',
      // an extension module at top level, and a stale top_level entry that is not in the layer
      [`${SITE}/_cffi_backend.cpython-312-x86_64-linux-gnu.so`]: Buffer.from([0x7f, 0x45]),
      [`${SITE}/cffi/__init__.py`]: '',
      [`${SITE}/cffi-1.17.1.dist-info/METADATA`]: meta('cffi', '1.17.1'),
      [`${SITE}/cffi-1.17.1.dist-info/top_level.txt`]: '_cffi_backend\ncffi\ntests\n',
      // RECORD with a quoted path and a namespace package
      [`${SITE}/google/protobuf/__init__.py`]: '',
      [`${SITE}/protobuf-5.28.0.dist-info/METADATA`]: meta('protobuf', '5.28.0'),
      [`${SITE}/protobuf-5.28.0.dist-info/RECORD`]: '"google/protobuf/__init__.py",sha256=c,0\n',
      'python/other.txt': 'not a package',
      // an older copy in python/ loses: site-packages comes first on Lambda's sys.path
      'python/cffi/__init__.py': '',
      'python/cffi-1.0.0.dist-info/METADATA': meta('cffi', '1.0.0'),
    });
    const packages = await readLayerPackages(zip);
    assert.deepEqual(packages, [
      { name: 'cffi', version: '1.17.1', modules: ['_cffi_backend', 'cffi'] },
      { name: 'protobuf', version: '5.28.0', modules: ['google'] },
      { name: 'requests', version: '2.32.3', modules: ['requests'] },
      { name: 'typing_extensions', version: '4.12.2', modules: ['typing_extensions'] },
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('top_level.txt and name normalisation details', () => {
  assert.deepEqual(parseTopLevel('yaml\n_yaml\n\nnot-valid\ngoogle/protobuf\nyaml\n'), [
    'yaml',
    '_yaml',
    'google.protobuf',
  ]);
  assert.equal(normalizeName('Typing.Extensions__x'), 'typing-extensions-x');
});
