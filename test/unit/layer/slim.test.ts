import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerFile, StagedLayer } from '../../../src/layer/content';
import { applySlim, slimCandidates, withoutRows } from '../../../src/layer/slim';
import { packageDirs, slimKind } from '../../../src/layer/slimRules';
import { withPackageFiles } from '../../../src/layer/slimVerify';

test('slim rules: tests, docs, examples, type stubs and C sources inside packages are left out', () => {
  const cases: [string, string][] = [
    ['numpy/_core/tests/test_multiarray.py', 'tests'],
    ['numpy/_core/tests/data/umath-validation-set-exp.csv', 'tests'],
    ['numpy/_core/tests/__pycache__/test_multiarray.cpython-312.pyc', 'tests'],
    ['pandas/tests/io/data/excel/test1.xlsx', 'tests'],
    ['pkg/conftest.py', 'tests'],
    ['pkg/__pycache__/conftest.cpython-312.pyc', 'tests'],
    ['pkg/__pycache__/conftest.cpython-312.opt-1.pyc', 'tests'],
    ['pkg/conftest.pyc', 'tests'],
    ['boto3/docs/resource.py', 'docs'],
    ['pkg/doc/index.rst', 'docs'],
    ['pkg/examples/basic.py', 'examples'],
    ['pkg/core.pyi', 'stubs'],
    ['typing_extensions.pyi', 'stubs'],
    ['requests-stubs/__init__.pyi', 'stubs'],
    ['requests-stubs/METADATA.toml', 'stubs'],
    ['numpy/_core/include/numpy/ndarrayobject.h', 'sources'],
    ['pkg/_speedups.c', 'sources'],
    ['pkg/ext/module.cpp', 'sources'],
    ['pkg/_cython.pyx', 'sources'],
    ['pkg/__init__.pxd', 'sources'],
  ];
  for (const [path, kind] of cases) assert.equal(slimKind(path), kind, path);
});

test('slim rules keep dist-info, top-level packages named like the folders, runtime APIs and py.typed', () => {
  for (const path of [
    'pkg-1.0.dist-info/RECORD',
    'pkg-1.0.dist-info/METADATA',
    'pkg-1.0.dist-info/licenses/docs/LICENSE.rst',
    'pkg.egg-info/tests/x',
    'tests/__init__.py',
    'tests/__pycache__/__init__.cpython-312.pyc',
    'tests/helpers.py',
    'docs/__init__.py',
    'examples/run.py',
    'conftest.py',
    'numpy/testing/__init__.py',
    'django/test/client.py',
    'pkg/py.typed',
    'pkg/__init__.py',
    'pkg/__pycache__/core.cpython-312.pyc',
    'pkg/core.pyc',
    'pkg/_speedups.cpython-312-x86_64-linux-gnu.so',
    'pkg/contest.py',
    'pkg/latest/tests.py',
    'pkg/docs.py',
    'pkg/testsuite/x.py',
    'pkg/data/table.json',
    'pkg.libs/libfoo-ab12.so.1',
  ]) {
    assert.equal(slimKind(path), undefined, path);
  }
});

function file(path: string, text = 'x'): LayerFile {
  const data = Buffer.from(text);
  return { path, size: data.length, source: { data } };
}

function staged(files: LayerFile[], owners: Record<string, string>, dirs?: string[]): StagedLayer {
  return {
    content: { root: 'python', files, links: [], dirs },
    packages: [
      {
        name: 'pkg',
        version: '1.0',
        size: files.reduce((n, f) => n + f.size, 0),
        files: files.length,
        topLevel: ['pkg'],
      },
    ],
    owners: new Map(Object.entries(owners)),
    bytecode: false,
    warnings: [],
    cacheFiles: [],
    close: async () => undefined,
  };
}

test('applySlim: RECORD keeps only rows of files in the layer, the package says what was saved, kept-back files stay', async () => {
  const record = [
    'pkg/__init__.py,sha256=a,1',
    'pkg/tests/test_a.py,sha256=b,10',
    'pkg/tests/data/x.json,sha256=c,20',
    '"pkg/core,odd.pyi",sha256=d,3',
    'pkg/__pycache__/__init__.cpython-312.pyc,,',
    'pkg-1.0.dist-info/RECORD,,',
    '',
  ].join('\r\n');
  const files = [
    file('pkg/__init__.py'),
    file('pkg/tests/test_a.py', '0123456789'),
    file('pkg/tests/data/x.json', '01234567890123456789'),
    file('pkg/core,odd.pyi', 'abc'),
    file('pkg-1.0.dist-info/RECORD', record),
  ];
  const owners = Object.fromEntries(files.map((f) => [f.path, 'pkg']));
  const layer = staged(files, owners, ['pkg', 'pkg/tests', 'pkg/tests/data', 'pkg/tests/empty', 'pkg/empty']);
  const { removed } = slimCandidates(layer.content);
  assert.deepEqual(
    removed.map((f) => f.path),
    ['pkg/tests/test_a.py', 'pkg/tests/data/x.json', 'pkg/core,odd.pyi'],
  );
  const { staged: slim, summary } = await applySlim(
    layer,
    removed,
    [{ path: 'pkg/tests/data/x.json', package: 'pkg', module: 'pkg' }],
    { python: '3.12', verified: ['pkg'], unverifiable: [] },
  );
  assert.deepEqual(
    slim.content.files.map((f) => f.path),
    ['pkg/__init__.py', 'pkg/tests/data/x.json', 'pkg-1.0.dist-info/RECORD'],
  );
  const newRecord = slim.content.files[2].source as { data: Buffer };
  assert.equal(
    newRecord.data.toString(),
    [
      'pkg/__init__.py,sha256=a,1',
      'pkg/tests/data/x.json,sha256=c,20',
      'pkg/__pycache__/__init__.cpython-312.pyc,,',
      'pkg-1.0.dist-info/RECORD,,',
      '',
    ].join('\r\n'),
  );
  assert.deepEqual(slim.content.dirs, ['pkg', 'pkg/tests', 'pkg/tests/data', 'pkg/empty']);
  assert.deepEqual(summary.keptBack, [{ path: 'pkg/tests/data/x.json', package: 'pkg', module: 'pkg', kind: 'tests' }]);
  assert.equal(summary.removedFiles, 2);
  assert.equal(summary.removedBytes, 13);
  const [pkg] = slim.packages;
  assert.deepEqual(pkg.slimmed, { files: 2, bytes: 13 });
  assert.equal(pkg.files, 3);
  assert.equal(
    pkg.size,
    slim.content.files.reduce((n, f) => n + f.size, 0),
  );
  assert.equal(layer.packages[0].slimmed, undefined, 'the unslimmed entries are not changed');
});

test('withoutRows leaves every other line as it was (LF files stay LF)', () => {
  assert.equal(withoutRows('a.py,h,1\nb.pyi,h,2\nc.py,h,3\n', new Set(['b.pyi'])), 'a.py,h,1\nc.py,h,3\n');
});

test('docs and examples folders that are packages stay (botocore.docs is imported when a client is made); tests go either way', () => {
  const packages = packageDirs([
    'botocore/__init__.py',
    'botocore/docs/__init__.py',
    'botocore/docs/docstring.py',
    'pkg/examples/__init__.py',
    'pandas/tests/__init__.py',
  ]);
  assert.deepEqual([...packages].sort(), ['botocore', 'botocore/docs', 'pandas/tests', 'pkg/examples']);
  assert.equal(slimKind('botocore/docs/docstring.py', packages), undefined);
  assert.equal(slimKind('botocore/docs/__pycache__/docstring.cpython-312.pyc', packages), undefined);
  assert.equal(slimKind('pkg/examples/basic.py', packages), undefined);
  assert.equal(slimKind('pandas/tests/frame/test_api.py', packages), 'tests');
  assert.equal(slimKind('awscli/examples/s3/cp.rst', packages), 'examples');
  assert.equal(slimKind('botocore/docs/bcdoc/guide.rst', packages), undefined, 'inside the docs package');
  assert.equal(slimKind('pkg/docs/api/index.rst', packages), 'docs');
});

test('a kept-back module brings the __init__.py of its folders and the bytecode of every kept source; a data file only itself', () => {
  const removed = [
    'pkg/tests/__init__.py',
    'pkg/tests/__pycache__/__init__.cpython-312.pyc',
    'pkg/tests/__pycache__/helpers.cpython-312.pyc',
    'pkg/tests/__pycache__/test_x.cpython-312.pyc',
    'pkg/tests/data/table.json',
    'pkg/tests/helpers.py',
    'pkg/tests/test_x.py',
  ];
  assert.deepEqual(withPackageFiles(['pkg/tests/helpers.py'], removed), [
    'pkg/tests/__init__.py',
    'pkg/tests/__pycache__/__init__.cpython-312.pyc',
    'pkg/tests/__pycache__/helpers.cpython-312.pyc',
    'pkg/tests/helpers.py',
  ]);
  assert.deepEqual(withPackageFiles(['pkg/tests/data/table.json'], removed), ['pkg/tests/data/table.json']);
});
