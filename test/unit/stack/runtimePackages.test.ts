import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runtimePackages, runtimePackagesPath } from '../../../src/stack/runtimePackages';
import { findShadowing } from '../../../src/stack/shadowing';

const PYTHON_RUNTIMES = ['python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14'];

test('every Python runtime lists boto3 and its dependency closure, as Python packages under /var/runtime', () => {
  for (const runtime of PYTHON_RUNTIMES) {
    const packages = runtimePackages(runtime);
    assert.deepEqual(
      packages.map((p) => p.name).sort(),
      ['boto3', 'botocore', 'jmespath', 'python-dateutil', 's3transfer', 'six', 'urllib3'],
      runtime,
    );
    assert.ok(packages.every((p) => p.ecosystem === 'python'));
    assert.deepEqual(packages.find((p) => p.name === 'python-dateutil')?.modules, ['dateutil']);
    const boto3 = packages.find((p) => p.name === 'boto3');
    assert.equal(
      boto3?.version,
      packages.find((p) => p.name === 'botocore')?.version,
      'boto3 and botocore share a version number',
    );
  }
  assert.equal(runtimePackagesPath('python'), '/var/runtime');
  assert.equal(runtimePackagesPath('node'), '/var/runtime/node_modules');
});

test('python3.14 has no remembered versions: its runtime copy shows no version rather than a made-up one', () => {
  assert.ok(runtimePackages('python3.14').every((p) => p.version === undefined));
  const shadowed = findShadowing('python3.14', [
    {
      source: 'L1',
      kind: 'layer',
      contents: {
        unzippedBytes: 1,
        hasBytecode: false,
        packages: [],
        modules: [{ name: 'botocore', ecosystem: 'python', dir: 'python', version: '1.20.0' }],
      },
    },
  ]);
  const botocore = shadowed.find((s) => s.module === 'botocore');
  assert.deepEqual(botocore?.providers, [
    { source: 'L1', path: '/opt/python', version: '1.20.0' },
    { source: 'runtime', path: '/var/runtime' },
  ]);
});

test('runtimes without a table (Node.js for now, unknown ones) have no runtime packages', () => {
  assert.deepEqual(runtimePackages('nodejs22.x'), []);
  assert.deepEqual(runtimePackages('java21'), []);
  assert.deepEqual(runtimePackages(undefined), []);
});
