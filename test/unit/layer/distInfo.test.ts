import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownerOf, parseMetadata, parseRecord, topLevelFromRecord } from '../../../src/layer/distInfo';

test('METADATA: name and version from the headers only', () => {
  assert.deepEqual(
    parseMetadata('Metadata-Version: 2.1\nName: Flask\nVersion: 3.0.3\nSummary: x\n\nName: not-this\n'),
    { name: 'Flask', version: '3.0.3' },
  );
});

test('RECORD: quoted paths, pip --target script paths, normalised separators', () => {
  const paths = parseRecord(
    [
      'six.py,sha256=abc,100',
      '"odd, name.py",sha256=def,5',
      '"q""uote.py",,',
      '../../bin/flask,sha256=x,10',
      'pkg\\win.py,,',
      'six-1.0.dist-info/RECORD,,',
      '',
    ].join('\r\n'),
  );
  assert.deepEqual(paths, [
    'six.py',
    'odd, name.py',
    'q"uote.py',
    'bin/flask',
    'pkg/win.py',
    'six-1.0.dist-info/RECORD',
  ]);
});

test('top-level names from RECORD when top_level.txt is missing', () => {
  assert.deepEqual(
    topLevelFromRecord([
      'six.py',
      'yaml/__init__.py',
      '_yaml.cpython-311-x86_64-linux-gnu.so',
      'PyYAML-6.dist-info/METADATA',
      'bin/tool',
      '__pycache__/six.cpython-311.pyc',
    ]),
    ['_yaml', 'six', 'yaml'],
  );
});

test('owners: RECORD paths, dist-info files and bytecode credited to the source owner', () => {
  const owners = new Map([
    ['pkg/mod.py', 'pkg'],
    ['six.py', 'six'],
    ['pkg-1.0.dist-info/RECORD', 'pkg'],
  ]);
  assert.equal(ownerOf('pkg/mod.py', owners), 'pkg');
  assert.equal(ownerOf('pkg/__pycache__/mod.cpython-311.pyc', owners), 'pkg');
  assert.equal(ownerOf('__pycache__/six.cpython-312.opt-1.pyc', owners), 'six');
  assert.equal(ownerOf('pkg-1.0.dist-info/INSTALLER', owners), 'pkg');
  assert.equal(ownerOf('other/x.py', owners), undefined);
});
