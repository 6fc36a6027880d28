import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifestPathFor } from '../../../src/layer/manifest';
import { packageSummary } from '../../../src/ops/manifest';
import type { PackageEntry } from '../../../src/layer/manifest';

const pkg = (name: string, version: string): PackageEntry => ({ name, version, size: 1, files: 1, topLevel: [] });

test('the package summary fits 256 characters and says how many are left out', () => {
  const packages = Array.from({ length: 60 }, (_, i) => pkg(`package-number-${String(i).padStart(2, '0')}`, '1.0.0'));
  const s = packageSummary({ packages });
  assert.ok(s.length <= 256);
  assert.match(s, /^package-number-00 1\.0\.0, /);
  assert.match(s, /\(\+\d+ more\)$/);
  assert.equal(packageSummary({ packages: [] }), '');
});

test('the summary is sorted and leaves out the versionless "(other files)" entry', () => {
  assert.equal(
    packageSummary({ packages: [pkg('urllib3', '2.2.1'), pkg('(other files)', ''), pkg('certifi', '2024.2.2')] }),
    'certifi 2024.2.2, urllib3 2.2.1',
  );
});

test('manifest path sits beside the zip', () => {
  assert.equal(manifestPathFor('/b/deps.zip'), '/b/deps.manifest.json');
});
