import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  importSpecifiers,
  isCodeSource,
  isEsModule,
  layerOnlyImports,
  layerOnlyImportWarning,
  packageOfSpecifier,
  readLayerOnlyImports,
} from '../../../src/stack/esmImports';
import { tempDir, writeZip } from './fixtures';

test('packageOfSpecifier: bare names and scoped names without their subpath; nothing a layer cannot provide', () => {
  assert.equal(packageOfSpecifier('lodash'), 'lodash');
  assert.equal(packageOfSpecifier('lodash/fp/map.js'), 'lodash');
  assert.equal(packageOfSpecifier('@scope/pkg'), '@scope/pkg');
  assert.equal(packageOfSpecifier('@scope/pkg/sub/path'), '@scope/pkg');
  for (const none of [
    './x.js',
    '../x.mjs',
    '/opt/nodejs/node_modules/a/index.js',
    'file:///opt/nodejs/node_modules/a/index.js',
    'node:fs',
    'node:test',
    'fs',
    'fs/promises',
    'path',
    'data:text/javascript,export default 1',
    '#internal',
    '@scope',
  ])
    assert.equal(packageOfSpecifier(none), undefined, none);
});

test('importSpecifiers: static, side-effect, re-export and literal dynamic imports; not comments, strings, templates or import.meta', async () => {
  const source = `#!/usr/bin/env node
import a from 'static-default';
import { b as c } from "static-named";
import * as ns from 'static-ns';
import 'side-effect';
export { x } from 'reexport-named';
export * from 'reexport-star';
const d = await import('dynamic-literal');
const e = await import(name);
const url = import.meta.url;
// import nope from 'line-comment';
/* import nope from 'block-comment'; */
const s = "import nope from 'in-string'";
const t = \`import('in-template') \${await import('in-template-expr')}\`;
const r = /import 'in-regex'/;
`;
  assert.deepEqual(await importSpecifiers(source), [
    'static-default',
    'static-named',
    'static-ns',
    'side-effect',
    'reexport-named',
    'reexport-star',
    'dynamic-literal',
    'in-template-expr',
  ]);
});

test('importSpecifiers: undefined for a file that is not JavaScript (it is skipped, not guessed at)', async () => {
  assert.equal(await importSpecifiers('import { from "x"'), undefined);
});

test('isEsModule: .mjs always, .cjs never, .js by the nearest package.json "type"', () => {
  const texts = new Map([
    ['package.json', '{"type":"module"}'],
    ['legacy/package.json', '{"name":"legacy"}'],
    ['broken/package.json', '{not json'],
  ]);
  assert.equal(isEsModule('index.mjs', new Map()), true);
  assert.equal(isEsModule('index.cjs', texts), false);
  assert.equal(isEsModule('index.js', texts), true);
  assert.equal(isEsModule('src/deep/handler.js', texts), true);
  assert.equal(isEsModule('legacy/handler.js', texts), false);
  assert.equal(isEsModule('broken/handler.js', texts), false);
  assert.equal(isEsModule('index.js', new Map()), false);
  assert.equal(isEsModule('/abs/index.js', texts), true);
});

test("isCodeSource: the function's own .js/.mjs files and package.json files, not node_modules", () => {
  assert.equal(isCodeSource('index.mjs', 10), true);
  assert.equal(isCodeSource('src/a.js', 10), true);
  assert.equal(isCodeSource('package.json', 10), true);
  assert.equal(isCodeSource('src/package.json', 10), true);
  assert.equal(isCodeSource('node_modules/x/index.js', 10), false);
  assert.equal(isCodeSource('node_modules/x/package.json', 10), false);
  assert.equal(isCodeSource('a.cjs', 10), false);
  assert.equal(isCodeSource('data.json', 10), false);
  assert.equal(isCodeSource('bundle.mjs', 5 * 1024 * 1024), false);
});

test('layerOnlyImports: only bare imports of layer packages from ES modules that no node_modules of the code provides', async () => {
  const layer = new Set(['sharp', '@x/util', 'in-code', 'nested-code', '@aws-sdk/client-s3', 'only-cjs']);
  const texts = new Map([
    ['package.json', '{"type":"module"}'],
    [
      'index.js',
      "import sharp from 'sharp';\nimport { u } from '@x/util/sub.js';\nimport c from 'in-code';\nimport { S3Client } from '@aws-sdk/client-s3';\nimport fs from 'node:fs';\nimport local from './lib/local.js';\n",
    ],
    ['lib/local.js', "export default await import('nested-code');\n"],
    ['app/inner.mjs', "import n from 'nested-code';\n"],
    ['old.cjs', "const x = require('only-cjs');\n"],
    ['cjs/package.json', '{"type":"commonjs"}'],
    ['cjs/handler.js', "import('only-cjs');\n"],
  ]);
  const paths = [
    ...texts.keys(),
    'node_modules/in-code/package.json',
    'node_modules/in-code/index.js',
    'lib/node_modules/nested-code/index.js',
  ];
  const found = await layerOnlyImports({ paths, texts }, layer);
  assert.deepEqual(
    found.map((f) => `${f.file} ${f.specifier} ${f.package}`),
    ['index.js sharp sharp', 'index.js @x/util/sub.js @x/util', 'app/inner.mjs nested-code nested-code'],
  );
});

test('layerOnlyImportWarning: names each package once, the first file, and both import forms that work on Lambda', () => {
  assert.equal(layerOnlyImportWarning([]), undefined);
  const message = layerOnlyImportWarning([
    { file: 'index.mjs', specifier: 'sharp', package: 'sharp' },
    { file: 'lib/a.mjs', specifier: 'sharp/x', package: 'sharp' },
    { file: 'lib/a.mjs', specifier: '@x/util', package: '@x/util' },
  ])!;
  assert.match(message, /'sharp', '@x\/util' \(first in index\.mjs\)/);
  assert.match(
    message,
    /import \{ createRequire \} from 'node:module'; const require = createRequire\(import\.meta\.url\); const pkg = require\('sharp'\);/,
  );
  assert.match(message, /\/opt\/nodejs\/node_modules\/sharp\/<file>/);
});

test('readLayerOnlyImports: reads the code zip (sources and package.json files only) and finds the imports', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const zip = await writeZip(join(dir, 'code.zip'), {
      'package.json': '{"type":"module"}',
      'index.js': "import dayjs from 'dayjs';\nexport const handler = async () => dayjs().year();\n",
      'node_modules/ignored/index.js': "import x from 'dayjs';\n",
    });
    const found = await readLayerOnlyImports(zip, new Set(['dayjs']));
    assert.deepEqual(found, [{ file: 'index.js', specifier: 'dayjs', package: 'dayjs' }]);
    assert.deepEqual(await readLayerOnlyImports(zip, new Set()), []);
  } finally {
    await cleanup();
  }
});
