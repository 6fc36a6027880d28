// Keeps the Simplified Chinese translation complete: every string the extension shows (extracted from src/
// the same way the release does) and every %key% of package.json needs a zh-cn entry, and none may be stale.
// After adding strings: `npx @vscode/l10n-dev export --outDir ./l10n ./src`, then translate the new keys in
// l10n/bundle.l10n.zh-cn.json (and package.nls.zh-cn.json for manifest keys).
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  const run = spawnSync(process.execPath, [cli, 'export', '--outDir', tempDir, './src'], { cwd: ROOT, encoding: 'utf8' });
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
  assert.deepEqual(Object.keys(extracted).filter((key) => !(key in committed)), [], `new strings missing; ${regenerate}`);
  assert.deepEqual(Object.keys(committed).filter((key) => !(key in extracted)), [], `strings no longer in src; ${regenerate}`);
});

test('every %key% of package.json is in package.nls.json and package.nls.zh-cn.json, and none is stale', () => {
  const manifest = readFileSync(join(ROOT, 'package.json'), 'utf8');
  const used = [...new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]))].sort();
  for (const file of ['package.nls.json', 'package.nls.zh-cn.json']) {
    const nls = readJson<Record<string, string>>(file);
    assert.deepEqual(used.filter((key) => typeof nls[key] !== 'string' || nls[key].trim() === ''), [], `add these keys to ${file}`);
    assert.deepEqual(Object.keys(nls).filter((key) => !used.includes(key)), [], `these ${file} keys are not used in package.json`);
  }
});
