// Keeps the Simplified Chinese translation complete: every string the extension shows (extracted from src/
// the same way the release does) and every %key% of package.json needs a zh-cn entry, and none may be stale.
// After adding strings: `npx @vscode/l10n-dev export --outDir ./l10n ./src`, then translate the new keys in
// l10n/bundle.l10n.zh-cn.json (and package.nls.zh-cn.json for manifest keys).
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
type Bundle = Record<string, string | { message: string; comment: string[] }>;

const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as T;
const message = (value: Bundle[string]) => (typeof value === 'string' ? value : value.message);

let tempDir: string;
let extracted: Bundle;

before(() => {
  tempDir = mkdtempSync(join(tmpdir(), 'l10n-export-'));
  const cli = join(dirname(require.resolve('@vscode/l10n-dev/package.json')), 'dist', 'cli.js');
  const run = spawnSync(process.execPath, [cli, 'export', '--outDir', tempDir, './src'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, `l10n-dev export failed:\n${run.stdout}\n${run.stderr}`);
  extracted = JSON.parse(readFileSync(join(tempDir, 'bundle.l10n.json'), 'utf8')) as Bundle;
});

after(() => rmSync(tempDir, { recursive: true, force: true }));

test('every string in src has a zh-cn translation, and no zh-cn entry is stale', () => {
  const zh = readJson<Record<string, string>>('l10n/bundle.l10n.zh-cn.json');
  const missing = Object.keys(extracted).filter((key) => typeof zh[key] !== 'string' || zh[key].trim() === '');
  const stale = Object.keys(zh).filter((key) => !(key in extracted));
  assert.deepEqual(missing, [], 'add these keys to l10n/bundle.l10n.zh-cn.json');
  assert.deepEqual(stale, [], 'these l10n/bundle.l10n.zh-cn.json keys are no longer used in src/: remove them');
});

test('translations keep every placeholder and icon of the English string', () => {
  const zh = readJson<Record<string, string>>('l10n/bundle.l10n.zh-cn.json');
  const tokens = (text: string) => [...text.matchAll(/\{\w+\}|\$\([\w~-]+\)/g)].map((m) => m[0]).sort();
  const broken = Object.entries(extracted)
    .filter(([key]) => typeof zh[key] === 'string')
    .filter(([key, value]) => tokens(message(value)).join() !== tokens(zh[key]).join())
    .map(([key]) => key);
  assert.deepEqual(broken, [], 'these translations lose or add a {placeholder} or $(icon)');
});

test('the committed l10n/bundle.l10n.json matches the strings in src', () => {
  const committed = readJson<Bundle>('l10n/bundle.l10n.json');
  const regenerate = 'regenerate it: npx @vscode/l10n-dev export --outDir ./l10n ./src';
  assert.deepEqual(
    Object.keys(extracted).filter((key) => !(key in committed)),
    [],
    `new strings missing; ${regenerate}`,
  );
  assert.deepEqual(
    Object.keys(committed).filter((key) => !(key in extracted)),
    [],
    `strings no longer in src; ${regenerate}`,
  );
});

test('every %key% of package.json is in package.nls.json and package.nls.zh-cn.json, and none is stale', () => {
  const manifest = readFileSync(join(ROOT, 'package.json'), 'utf8');
  const used = [...new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]))].sort();
  for (const file of ['package.nls.json', 'package.nls.zh-cn.json']) {
    const nls = readJson<Record<string, string>>(file);
    assert.deepEqual(
      used.filter((key) => typeof nls[key] !== 'string' || nls[key].trim() === ''),
      [],
      `add these keys to ${file}`,
    );
    assert.deepEqual(
      Object.keys(nls).filter((key) => !used.includes(key)),
      [],
      `these ${file} keys are not used in package.json`,
    );
  }
});

// Fields of package.json a user reads (command titles, view names, walkthrough titles and descriptions, settings…).
const VISIBLE_FIELDS = new Set([
  'displayName',
  'description',
  'title',
  'category',
  'contextualTitle',
  'contents',
  'altText',
  'markdownDescription',
  'enumDescriptions',
  'markdownEnumDescriptions',
  'deprecationMessage',
  'markdownDeprecationMessage',
]);

function visibleManifestStrings(value: unknown, path: string[], out: [string, string][]): [string, string][] {
  if (typeof value === 'string') {
    const field = path.filter((p) => !/^\d+$/.test(p)).at(-1) ?? '';
    const viewName = field === 'name' && path[0] === 'contributes' && path[1] === 'views';
    if (VISIBLE_FIELDS.has(field) || viewName) out.push([path.join('.'), value]);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => visibleManifestStrings(v, [...path, String(i)], out));
  } else if (value && typeof value === 'object') {
    // `repository`, `scripts` and the like hold no text for users.
    if (path.length === 0)
      for (const k of ['repository', 'scripts', 'dependencies', 'devDependencies'])
        delete (value as Record<string, unknown>)[k];
    for (const [k, v] of Object.entries(value)) visibleManifestStrings(v, [...path, k], out);
  }
  return out;
}

test('every user-visible string of package.json (walkthrough titles and descriptions included) is a %key%', () => {
  const literal = visibleManifestStrings(readJson<unknown>('package.json'), [], [])
    .filter(([, value]) => !/^%[^%]+%$/.test(value))
    .map(([where, value]) => `${where}: ${value}`);
  assert.deepEqual(
    literal,
    [],
    'move these strings to package.nls.json (and translate them in package.nls.zh-cn.json)',
  );
});

test('zh-cn manifest strings keep the command links (walkthrough buttons) and setting references of the English ones', () => {
  const en = readJson<Record<string, string>>('package.nls.json');
  const zh = readJson<Record<string, string>>('package.nls.zh-cn.json');
  const tokens = (text: string) =>
    [...text.matchAll(/\]\((command:[^)\s]+)\)|#[\w.]+#|\{\d+\}/g)].map((m) => m[1] ?? m[0]).sort();
  const broken = Object.keys(en).filter(
    (key) => typeof zh[key] === 'string' && tokens(en[key]).join() !== tokens(zh[key]).join(),
  );
  assert.deepEqual(
    broken,
    [],
    'these package.nls.zh-cn.json entries lose or add a command link, #setting# or {placeholder}',
  );
});

test('walkthrough markdown is language-neutral: only code blocks (explanations belong in the localized step descriptions)', () => {
  const manifest = readJson<{ contributes: { walkthroughs?: { steps: { media: { markdown?: string } }[] }[] } }>(
    'package.json',
  );
  const files = (manifest.contributes.walkthroughs ?? []).flatMap((w) =>
    w.steps.flatMap((s) => (s.media.markdown ? [s.media.markdown] : [])),
  );
  const prose = files.filter(
    (file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .replace(/^```[^\n]*\n[\s\S]*?^```[ \t]*$/gm, '')
        .trim() !== '',
  );
  assert.deepEqual(
    prose,
    [],
    'these walkthrough media files have text outside code blocks, which no translation reaches',
  );
});

test('webview pages take their labels from l10n.t, not from literal text in the HTML', () => {
  const tags =
    'h[1-6]|p|span|div|button|th|td|li|a|label|summary|caption|option|small|strong|em|b|i|title|legend|dt|dd';
  const textNode = new RegExp(`<(?:${tags})(?:\\s[^<>]*)?>([^<>]*)<`, 'g');
  const attribute = /\b(?:title|placeholder|aria-label|alt)="([^"]*)"/g;
  const technical = new Set(['HTTP', 'JSON', 'sha256', 'ARN', 'KB', 'MB', 'GB', 'ms']);
  const found: string[] = [];
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const source = readFileSync(file, 'utf8');
    if (!/<\/(?:h1|h2|div|span|p|td|button)>/.test(source)) continue;
    // With every ${…} removed, what is left between tags and in label attributes is literal text.
    const literal = withoutInterpolations(source);
    for (const re of [textNode, attribute]) {
      for (const m of literal.matchAll(re)) {
        const words = (m[1].replace(/&#?\w+;/g, '').match(/[A-Za-z][A-Za-z0-9]+/g) ?? []).filter(
          (w) => !technical.has(w),
        );
        if (words.length > 0) found.push(`${file.slice(ROOT.length + 1)}: ${m[0]}`);
      }
    }
  }
  assert.deepEqual(found, [], 'wrap these labels in l10n.t() (and translate them)');
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function withoutInterpolations(source: string): string {
  let out = '';
  for (let i = 0; i < source.length;) {
    if (source[i] !== '$' || source[i + 1] !== '{') {
      out += source[i++];
      continue;
    }
    for (let depth = 0; i < source.length; i++) {
      if (source[i] === '{') depth++;
      else if (source[i] === '}' && --depth === 0) {
        i++;
        break;
      }
    }
  }
  return out;
}
