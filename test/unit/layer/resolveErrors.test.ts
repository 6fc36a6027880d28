import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { linksOf, listDistributionFiles } from '../../../src/layer/distributionFiles';
import { installFailure } from '../../../src/layer/installFailure';
import {
  diagnoseMissing,
  missingMessage,
  parseDistFilename,
  parseRequirement,
  wheelFits,
} from '../../../src/layer/resolveErrors';
import { resolveTarget } from '../../../src/layer/runtimes';

const py311 = resolveTarget('python3.11', 'x86_64');
const py312 = resolveTarget('python3.12', 'x86_64');
// numpy 2.4.0 as PyPI lists it: manylinux_2_27/2_28 wheels only, plus the sdist.
const NUMPY = [
  'numpy-2.3.5-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
  'numpy-2.4.0-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl',
  'numpy-2.4.0-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl',
  'numpy-2.4.0-cp312-cp312-manylinux_2_27_aarch64.manylinux_2_28_aarch64.whl',
  'numpy-2.4.0.tar.gz',
];

test('file names: wheels split into their tag sets, sdists recognised, names normalised', () => {
  assert.deepEqual(parseDistFilename('Foo_Bar-1.0-1-py3-none-any.whl'), {
    project: 'foo-bar',
    version: '1.0',
    wheel: { python: ['py3'], abi: ['none'], platform: ['any'] },
  });
  assert.deepEqual(parseDistFilename('foo.bar-2.0.tar.gz'), { project: 'foo-bar', version: '2.0' });
  assert.equal(parseDistFilename('README.txt'), undefined);
  assert.deepEqual(parseRequirement('NumPy[extra] == 2.4.0 ; python_version > "3"'), {
    project: 'numpy',
    version: '2.4.0',
  });
  assert.deepEqual(parseRequirement('numpy>=2'), { project: 'numpy', version: undefined });
});

test('wheelFits follows the target: Python tag, abi3 for later versions, glibc ceiling', () => {
  const w = (name: string) => parseDistFilename(name)!.wheel!;
  assert.ok(wheelFits(w('a-1-cp311-abi3-manylinux2014_x86_64.whl'), py312));
  assert.ok(!wheelFits(w('a-1-cp312-cp312-manylinux2014_x86_64.whl'), py311));
  assert.ok(!wheelFits(w('a-1-cp311-cp311-manylinux_2_28_x86_64.whl'), py311));
  assert.ok(wheelFits(w('a-1-py3-none-any.whl'), py311));
  assert.ok(!wheelFits(w('a-1-cp311-cp311-manylinux2014_aarch64.whl'), py311));
});

test('numpy 2.4.0 for python3.11: versions exist, but its wheels need glibc 2.27; python3.12 has one', () => {
  const d = diagnoseMissing('numpy==2.4.0', NUMPY, py311);
  assert.equal(d.kind, 'no-wheel-for-target');
  assert.ok(d.kind === 'no-wheel-for-target');
  assert.equal(d.needsGlibc, 27);
  assert.equal(d.fitsRuntime, 'python3.12');
  assert.equal(d.hasSdist, true);
  const message = missingMessage(d, py311, 'https://pypi.org/simple');
  assert.match(
    message,
    /^numpy 2\.4\.0 has no wheel that loads on python3\.11 \(x86_64\): its wheels for x86_64 need glibc 2\.27 or newer \(manylinux_2_27\), and python3\.11 runs on glibc 2\.26/,
  );
  assert.match(message, /build for python3\.12/);
  assert.match(message, /allow source builds/);
});

test('no such name, and no such version (with the versions that exist), are told apart', () => {
  const none = diagnoseMissing('numpyy==2.4.0', NUMPY, py311);
  assert.deepEqual(none, { kind: 'no-project', project: 'numpyy' });
  assert.match(missingMessage(none, py311, '/wheels'), /^No package named "numpyy" in \/wheels/);
  const version = diagnoseMissing('numpy==9.9', NUMPY, py311);
  assert.deepEqual(version, { kind: 'no-version', project: 'numpy', version: '9.9', versions: ['2.3.5', '2.4.0'] });
  assert.match(
    missingMessage(version, py311, '/wheels'),
    /^numpy has no version 9\.9 in \/wheels\. Versions there: 2\.3\.5, 2\.4\.0\.$/,
  );
});

test('a Python version mismatch is named as such, and no runtime is suggested when none fits', () => {
  const d = diagnoseMissing('onlynew==1.0', ['onlynew-1.0-cp314-cp314-manylinux2014_x86_64.whl'], py311);
  assert.ok(d.kind === 'no-wheel-for-target');
  assert.deepEqual(d.pythons, ['cp314']);
  assert.equal(d.fitsRuntime, 'python3.14');
  const mac = diagnoseMissing('maconly==1.0', ['maconly-1.0-cp311-cp311-macosx_11_0_arm64.whl'], py311);
  assert.ok(mac.kind === 'no-wheel-for-target');
  assert.equal(mac.fitsRuntime, undefined);
  assert.match(missingMessage(mac, py311, 'x'), /it has wheels only for macosx_11_0_arm64/);
});

test("the other architecture is named as the reason (not the abi3 wheel's cp39 tag), with the build for it as the fix", () => {
  const d = diagnoseMissing('armonly', ['armonly-1.0-cp39-abi3-manylinux2014_aarch64.whl'], py312);
  assert.ok(d.kind === 'no-wheel-for-target');
  assert.equal(d.otherArchitecture, 'arm64');
  assert.equal(d.pythons, undefined, 'an abi3 wheel from cp39 loads on 3.12: Python is not the reason');
  assert.match(
    missingMessage(d, py312, 'x'),
    /its wheels are for the arm64 architecture only\. To fix it: build for arm64;/,
  );
  const abi3 = diagnoseMissing('stable==1.0', ['stable-1.0-cp39-abi3-manylinux_2_28_x86_64.whl'], py311);
  assert.ok(abi3.kind === 'no-wheel-for-target');
  assert.equal(abi3.needsGlibc, 28);
  assert.equal(abi3.otherArchitecture, undefined);
});

test('a find-links folder and an HTML page list their files; an unreadable source counts as unknown', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-files-'));
  try {
    for (const name of NUMPY) fs.writeFileSync(path.join(dir, name), '');
    fs.writeFileSync(path.join(dir, 'flask-3.0.3-py3-none-any.whl'), '');
    const files = await listDistributionFiles([{ kind: 'find-links', url: dir, from: 'PIP_FIND_LINKS' }], 'NumPy');
    assert.deepEqual(files?.sort(), [...NUMPY].sort());
    assert.equal(
      await listDistributionFiles([{ kind: 'find-links', url: path.join(dir, 'missing'), from: 'x' }], 'numpy'),
      undefined,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(
    linksOf(
      '<a href="../../packages/ab/numpy-2.4.0.tar.gz#sha256=00">numpy</a><a data-x href=\'x/numpy-2.3.5-cp311-cp311-manylinux2014_x86_64.whl\'>',
    ),
    ['numpy-2.4.0.tar.gz', 'numpy-2.3.5-cp311-cp311-manylinux2014_x86_64.whl'],
  );
});

test('installFailure: the diagnosis with its buttons (Build for python3.12, Allow Source Builds, Show Log), no second copy of the output', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-files-'));
  try {
    for (const name of NUMPY) fs.writeFileSync(path.join(dir, name), '');
    const output =
      'ERROR: Could not find a version that satisfies the requirement numpy==2.4.0 (from versions: none)\nERROR: No matching distribution found for numpy==2.4.0\n';
    const error = await installFailure({
      output,
      installer: 'pip',
      target: py311,
      sources: [{ kind: 'find-links', url: dir, from: 'x' }],
      requirementsPath: '/w/requirements.txt',
      layerName: 'np',
    });
    assert.match(error.message, /^numpy 2\.4\.0 has no wheel that loads on python3\.11/);
    assert.equal(error.detail, undefined);
    assert.deepEqual(
      error.actions?.map((a) => a.title),
      ['Build for python3.12', 'Allow Source Builds', 'Show Log'],
    );
    assert.deepEqual(error.actions?.[0].args, [
      { requirementsUri: '/w/requirements.txt', runtime: 'python3.12', architecture: 'x86_64', name: 'np' },
    ]);
    const unreachable = await installFailure({
      output:
        "Looking in indexes: http://127.0.0.1:9/simple\nFailed to establish a new connection: [Errno 111] Connection refused')\n",
      installer: 'pip',
      target: py311,
      sources: [],
      requirementsPath: '/w/r.txt',
      layerName: 'np',
    });
    assert.match(unreachable.message, /^Could not reach the package index \(http:\/\/127\.0\.0\.1:9\/simple\)/);
    assert.deepEqual(
      unreachable.actions?.map((a) => a.title),
      ['Show Log'],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
