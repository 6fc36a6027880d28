import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RUNTIMES,
  platformTags,
  resolvePythonTarget,
  resolveTarget,
  runtimesOf,
  uvPythonPlatform,
  describeTags,
} from '../../../src/layer/runtimes';
import { UserError } from '../../../src/util/errors';

test('python3.11 x86_64 accepts manylinux up to glibc 2.26 and the legacy names, never 2_27+', () => {
  const tags = platformTags(resolveTarget('python3.11', 'x86_64'));
  assert.equal(tags[0], 'manylinux_2_26_x86_64');
  for (const t of [
    'manylinux_2_17_x86_64',
    'manylinux2014_x86_64',
    'manylinux2010_x86_64',
    'manylinux1_x86_64',
    'manylinux_2_24_x86_64',
  ]) {
    assert.ok(tags.includes(t), t);
  }
  assert.ok(!tags.some((t) => /manylinux_2_(2[7-9]|3\d)_/.test(t)));
  assert.ok(
    tags.indexOf('manylinux2014_x86_64') === tags.indexOf('manylinux_2_17_x86_64') + 1,
    'alias right after its PEP 600 name',
  );
});

test('python3.12+ accept manylinux_2_28 … 2_34', () => {
  for (const runtime of ['python3.12', 'python3.13', 'python3.14'] as const) {
    const tags = platformTags(resolveTarget(runtime, 'x86_64'));
    assert.equal(tags[0], 'manylinux_2_34_x86_64');
    assert.ok(tags.includes('manylinux_2_28_x86_64'));
    assert.ok(!tags.includes('manylinux_2_35_x86_64'));
  }
  assert.equal(platformTags(resolveTarget('python3.10', 'x86_64'))[0], 'manylinux_2_26_x86_64');
});

test('arm64 uses aarch64 tags only, with manylinux2014_aarch64 as the floor', () => {
  const tags = platformTags(resolveTarget('python3.12', 'arm64'));
  assert.ok(tags.every((t) => t.endsWith('_aarch64')));
  assert.equal(tags[tags.length - 1], 'manylinux2014_aarch64');
  assert.ok(!tags.some((t) => t.startsWith('manylinux1') || t.startsWith('manylinux2010')));
  assert.ok(tags.includes('manylinux_2_34_aarch64'));
});

test('uv gets the highest manylinux target it knows within the glibc, never *-unknown-linux-gnu', () => {
  assert.equal(uvPythonPlatform(resolveTarget('python3.11', 'x86_64')), 'x86_64-manylinux_2_17');
  assert.equal(uvPythonPlatform(resolveTarget('python3.10', 'arm64')), 'aarch64-manylinux_2_17');
  assert.equal(uvPythonPlatform(resolveTarget('python3.12', 'x86_64')), 'x86_64-manylinux_2_34');
  assert.equal(uvPythonPlatform(resolveTarget('python3.14', 'arm64')), 'aarch64-manylinux_2_34');
});

test('target fields and validation', () => {
  const t = resolveTarget('python3.13', 'arm64');
  assert.deepEqual(t, {
    language: 'python',
    runtime: 'python3.13',
    architecture: 'arm64',
    os: 'al2023',
    pythonVersion: '3.13',
    pythonTag: '313',
    glibcMinor: 34,
    machine: 'aarch64',
  });
  assert.throws(() => resolveTarget('python3.9', 'x86_64'), UserError);
  assert.throws(() => resolveTarget('python3.12', 'amd64'), UserError);
  assert.match(describeTags(resolveTarget('python3.11', 'x86_64')), /cp311.*manylinux_2_5 … manylinux_2_26_x86_64/);
});

test('Node.js runtimes: one table with the Python ones, with their Amazon Linux and glibc', () => {
  assert.deepEqual(runtimesOf('nodejs'), ['nodejs24.x', 'nodejs22.x', 'nodejs20.x', 'nodejs18.x']);
  assert.deepEqual(runtimesOf('python'), ['python3.14', 'python3.13', 'python3.12', 'python3.11', 'python3.10']);
  assert.equal(Object.keys(RUNTIMES).length, 9);
  assert.deepEqual(resolveTarget('nodejs18.x', 'x86_64'), {
    language: 'nodejs',
    runtime: 'nodejs18.x',
    architecture: 'x86_64',
    os: 'al2',
    glibcMinor: 26,
    machine: 'x86_64',
    nodeMajor: 18,
  });
  for (const r of ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const) {
    const t = resolveTarget(r, 'arm64');
    assert.equal(t.os, 'al2023');
    assert.equal(t.glibcMinor, 34);
    assert.equal(t.machine, 'aarch64');
  }
  assert.throws(() => resolveTarget('nodejs16.x', 'x86_64'), UserError);
  assert.throws(() => resolvePythonTarget('nodejs22.x', 'x86_64'), /not a Python runtime/);
});
