import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DIRECT_UPLOAD_LIMIT,
  UNZIPPED_LIMIT,
  limitWarnings,
  summarizePackages,
  unzippedLimitMessage,
} from '../../../src/layer/manifest';
import type { DistInfo } from '../../../src/layer/distInfo';
import { ownerMap } from '../../../src/layer/distInfo';
import type { StagedTree } from '../../../src/layer/scan';

test('packages: sizes and file counts from RECORD ownership, bytecode included, strays grouped', () => {
  const dists: DistInfo[] = [
    {
      dir: 'six-1.16.0.dist-info',
      name: 'six',
      version: '1.16.0',
      files: ['six.py', 'six-1.16.0.dist-info/RECORD'],
      topLevel: ['six'],
    },
    {
      dir: 'Flask-3.0.dist-info',
      name: 'Flask',
      version: '3.0',
      files: ['flask/__init__.py', 'Flask-3.0.dist-info/RECORD'],
      topLevel: ['flask'],
    },
  ];
  const file = (path: string, size: number) => ({ path, abs: `/x/${path}`, size });
  const tree: StagedTree = {
    files: [
      file('Flask-3.0.dist-info/RECORD', 10),
      file('Flask-3.0.dist-info/INSTALLER', 4),
      file('flask/__init__.py', 1000),
      file('flask/__pycache__/__init__.cpython-311.pyc', 800),
      file('six-1.16.0.dist-info/RECORD', 10),
      file('six.py', 30000),
      file('stray.txt', 5),
    ],
    links: [],
    dirs: [],
    totalSize: 31829,
  };
  const packages = summarizePackages(tree, dists, ownerMap(dists));
  assert.deepEqual(
    packages.map((p) => [p.name, p.version, p.size, p.files]),
    [
      ['Flask', '3.0', 1814, 4],
      ['six', '1.16.0', 30010, 2],
      ['(other files)', '', 5, 1],
    ],
  );
  assert.deepEqual(packages[0].topLevel, ['flask']);
});

test('limits: warn from 80 %, publish via S3 above the direct upload size', () => {
  assert.deepEqual(limitWarnings(1000, 1000), { warnings: [], publishViaS3: false });
  const near = limitWarnings(UNZIPPED_LIMIT * 0.85, DIRECT_UPLOAD_LIMIT * 0.9);
  assert.equal(near.publishViaS3, false);
  assert.equal(near.warnings.length, 2);
  assert.match(near.warnings[0], /85%/);
  const big = limitWarnings(1000, DIRECT_UPLOAD_LIMIT + 1);
  assert.equal(big.publishViaS3, true);
  assert.match(big.warnings[0], /publish it via S3/);
  assert.match(
    unzippedLimitMessage(UNZIPPED_LIMIT + 1, [{ name: 'torch', version: '2', size: 2e8, files: 1, topLevel: [] }]),
    /more than the 250 MB.*torch 191 MB/,
  );
});
