import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifestPathFor, packageSummary, parseLayerManifest } from '../../../src/ops/manifest';

test('parses defensively: wrong types are dropped, single values become lists', () => {
  const m = parseLayerManifest({ runtime: 'python3.11', architectures: ['arm64', 7], packages: [{ name: 'a', version: 1 }, 'x', { name: 'b', version: '2' }], unzippedSize: -3, sha256: 5 });
  assert.deepEqual(m.runtimes, ['python3.11']);
  assert.deepEqual(m.architectures, ['arm64']);
  assert.deepEqual(m.packages, [{ name: 'a', version: undefined, size: undefined }, { name: 'b', version: '2', size: undefined }]);
  assert.equal(m.unzippedSize, undefined);
  assert.equal(m.sha256, undefined);
  assert.deepEqual(parseLayerManifest(null).packages, []);
});

test('the package summary fits 256 characters and says how many are left out', () => {
  const packages = Array.from({ length: 60 }, (_, i) => ({ name: `package-number-${String(i).padStart(2, '0')}`, version: '1.0.0' }));
  const s = packageSummary(parseLayerManifest({ packages }));
  assert.ok(s.length <= 256);
  assert.match(s, /^package-number-00 1\.0\.0, /);
  assert.match(s, /\(\+\d+ more\)$/);
  assert.equal(packageSummary(parseLayerManifest({})), '');
});

test('manifest path sits beside the zip', () => {
  assert.equal(manifestPathFor('/b/deps.zip'), '/b/deps.manifest.json');
});
