// Keeps README.md honest about what it promises: the settings table lists exactly the settings package.json
// contributes, with their defaults; the images it shows exist; the quick start is the two commands.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface SettingSchema {
  default?: unknown;
}

function contributedSettings(): Map<string, SettingSchema> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, SettingSchema> } | { properties: Record<string, SettingSchema> }[] };
  };
  const sections = ([] as { properties: Record<string, SettingSchema> }[]).concat(manifest.contributes.configuration);
  return new Map(sections.flatMap((section) => Object.entries(section.properties)));
}

/** Rows of the table under "## Settings": `| \`name\` | \`default\` | description |`. */
function documentedSettings(): Map<string, string> {
  const section = readme.split(/^## Settings$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = [...section.matchAll(/^\| `([\w.]+)` \| `([^`]*)` \|/gm)];
  return new Map(rows.map(([, name, value]) => [name, value]));
}

test('the README settings table lists every contributed setting and nothing else', () => {
  const contributed = [...contributedSettings().keys()].sort();
  const documented = [...documentedSettings().keys()].sort();
  assert.ok(documented.length > 0, 'no settings table found under "## Settings"');
  assert.deepEqual(documented, contributed);
});

test('the README settings table shows each default as package.json declares it', () => {
  const contributed = contributedSettings();
  for (const [name, shown] of documentedSettings()) {
    assert.equal(shown, JSON.stringify(contributed.get(name)?.default), `default of ${name}`);
  }
});

test('every image the README shows exists in the repository', () => {
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map(([, target]) => target);
  assert.ok(images.length > 0);
  for (const image of images) assert.ok(existsSync(join(ROOT, image)), `missing ${image}`);
});

test('the quick start is the demo command and the test command', () => {
  const quickStart = readme.split(/^## Quick start$/m)[1]?.split(/^## /m)[0] ?? '';
  const commands = /```bash\n([\s\S]*?)```/.exec(quickStart)?.[1].trim().split('\n') ?? [];
  assert.equal(commands.length, 2, 'two commands');
  assert.match(commands[0], /npm start/);
  assert.match(commands[1], /\.ci\/run|npm test/);
  const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
  assert.match(ci, /^npm test$/m, '.ci/run calls the README\'s test command');
});
