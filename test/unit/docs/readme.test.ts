// Keeps the READMEs honest about what they promise. README.md (the repository's): the quick start is the two
// commands, its images exist, and the tools it documents come from `npm run compile`, not from the VSIX.
// docs/README.package.md (the VSIX's README, the installed extension's details page): the settings table lists
// exactly the settings package.json contributes, with their defaults; its images inline (small WebP files), and
// it tells users of the VSIX nothing that needs a checkout.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PACKAGE_README, inlineImages, relativeImages } from '../../../scripts/packageReadme';

const ROOT = resolve(__dirname, '../../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const packageReadme = readFileSync(PACKAGE_README, 'utf8');
/** The product page's images travel inside the VSIX. */
const MAX_IMAGE_BYTES = 80_000;
const MAX_IMAGES_BYTES = 200_000;

interface SettingSchema {
  default?: unknown;
}

function contributedSettings(): Map<string, SettingSchema> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: {
      configuration: { properties: Record<string, SettingSchema> } | { properties: Record<string, SettingSchema> }[];
    };
  };
  const sections = ([] as { properties: Record<string, SettingSchema> }[]).concat(manifest.contributes.configuration);
  return new Map(sections.flatMap((section) => Object.entries(section.properties)));
}

/** Rows of the table under "## Settings": `| \`name\` | \`default\` | description |`. */
function documentedSettings(markdown: string): Map<string, string> {
  const section = markdown.split(/^## Settings$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = [...section.matchAll(/^\| `([\w.]+)` \| `([^`]*)` \|/gm)];
  return new Map(rows.map(([, name, value]) => [name, value]));
}

test('the package README settings table lists every contributed setting and nothing else', () => {
  const contributed = [...contributedSettings().keys()].sort();
  const documented = [...documentedSettings(packageReadme).keys()].sort();
  assert.ok(documented.length > 0, 'no settings table found under "## Settings"');
  assert.deepEqual(documented, contributed);
});

test('the package README settings table shows each default as package.json declares it', () => {
  const contributed = contributedSettings();
  for (const [name, shown] of documentedSettings(packageReadme)) {
    assert.equal(shown, JSON.stringify(contributed.get(name)?.default), `default of ${name}`);
  }
});

test('every image README.md shows exists in the repository', () => {
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map(([, target]) => target);
  assert.ok(images.length > 0);
  for (const image of images) assert.ok(existsSync(join(ROOT, image)), `missing ${image}`);
});

test('the package README inlines: only images, each a small WebP from media/product/', () => {
  const inlined = inlineImages(packageReadme, dirname(PACKAGE_README)); // throws on a relative link or an unknown type
  assert.deepEqual(relativeImages(inlined), []);
  const images = relativeImages(packageReadme).map((target) => resolve(dirname(PACKAGE_README), target));
  assert.ok(images.length > 0, 'the product page shows the extension');
  let total = 0;
  for (const image of images) {
    assert.match(relative(ROOT, image), /^media\/product\/[\w.-]+\.webp$/);
    const bytes = statSync(image).size;
    assert.ok(bytes <= MAX_IMAGE_BYTES, `${image}: ${bytes} bytes (at most ${MAX_IMAGE_BYTES})`);
    total += bytes;
  }
  assert.ok(total <= MAX_IMAGES_BYTES, `the product page's images: ${total} bytes (at most ${MAX_IMAGES_BYTES})`);
});

test('the package README asks nothing of a checkout: no npm commands, no dist/ tools', () => {
  for (const needsCheckout of [/\bnpm (ci|start|run|test)\b/, /\.ci\/run/, /dist\/(cli|sandbox)\.js/]) {
    assert.doesNotMatch(packageReadme, needsCheckout);
  }
});

test('the tools README.md documents are built by npm run compile and are not in the VSIX', () => {
  const tools = [...new Set([...readme.matchAll(/node dist\/(\w+)\.js/g)].map(([, name]) => name))];
  assert.deepEqual(tools.sort(), ['cli', 'sandbox']);
  assert.match(readme, /npm ci && npm run compile/);
  const esbuild = readFileSync(join(ROOT, 'esbuild.mjs'), 'utf8');
  const shipped = readFileSync(join(ROOT, '.vscodeignore'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('!'));
  for (const tool of tools) {
    assert.match(esbuild, new RegExp(`\\b${tool}: 'src/`), `npm run compile bundles dist/${tool}.js`);
    assert.ok(
      !shipped.some((line) => line.includes(`dist/${tool}.js`) || line === '!dist/**'),
      `dist/${tool}.js is not shipped`,
    );
  }
});

test('the quick start is the demo command and the test command', () => {
  const quickStart = readme.split(/^## Quick start$/m)[1]?.split(/^## /m)[0] ?? '';
  const commands = /```bash\n([\s\S]*?)```/.exec(quickStart)?.[1].trim().split('\n') ?? [];
  assert.equal(commands.length, 2, 'two commands');
  assert.match(commands[0], /npm start/);
  assert.match(commands[1], /\.ci\/run|npm test/);
  const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
  assert.match(ci, /^npm test$/m, ".ci/run calls the README's test command");
});
