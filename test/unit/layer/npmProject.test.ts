// The generated project of the Node.js build benchmark (test/fixtures/npmProject.ts) has the shape the benchmark
// claims: every dependency is published, scoped names, packages in two majors, native twins, seeded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BENCH_PROJECT, generateProject } from '../../../test/fixtures/npmProject';

const shape = { ...BENCH_PROJECT, count: 60, direct: 8, native: 2 };

test('every dependency names a published version; scoped packages, two majors and native twins are there', () => {
  const project = generateProject(shape);
  const published = new Map<string, string[]>();
  for (const p of project.packages) published.set(p.name, [...(published.get(p.name) ?? []), p.version]);
  const wanted = [
    ...project.packages.flatMap((p) =>
      Object.entries({
        ...(p.manifest.dependencies as Record<string, string> | undefined),
        ...(p.manifest.optionalDependencies as Record<string, string> | undefined),
      }),
    ),
    ...Object.entries(project.packageJson.dependencies as Record<string, string>),
  ];
  for (const [name, range] of wanted) {
    const major = range.replace(/^\^/, '').split('.')[0];
    assert.ok(
      published.get(name)?.some((v) => v.startsWith(`${major}.`)),
      `${name}@${range} is published`,
    );
  }
  assert.ok([...published.keys()].some((n) => n.startsWith('@gen/') && !n.includes('native')));
  assert.ok(
    [...published.values()].some((v) => v.length === 2),
    'a package in two majors',
  );
  assert.ok(
    wanted.some(([, range]) => range === '^2.0.0'),
    'some dependent asks for the second major',
  );
  assert.equal([...published.keys()].filter((n) => /-linux-(x64|arm64)-gnu$/.test(n)).length, 4);
  assert.equal(Object.keys(project.packageJson.dependencies as object).length, 8);
});

test('seeded: the same project twice, many small files per package', () => {
  const a = generateProject(shape);
  assert.deepEqual(generateProject(shape), a);
  const sizes = a.packages.filter((p) => p.files['index.js']).map((p) => Object.keys(p.files).length);
  assert.ok(sizes.filter((n) => n <= 25).length > sizes.length / 2, 'most packages are small');
});
