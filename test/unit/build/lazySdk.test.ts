// The extension's SDK stand-ins (scripts/lazySdk.mjs) only define the names the build found in each import
// statement; a name it missed would be `undefined` at run time. These tests read every source file that
// imports the SDK the way the build does and check each import statement was understood.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

interface LazySdk {
  sdkPackages: string[];
  importedNames(source: string, pkg: string): string[] | string;
}
const load = () => import(join(ROOT, 'scripts', 'lazySdk.mjs')) as Promise<LazySdk>;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('importedNames reads named, renamed and type-only imports', async () => {
  const { importedNames } = await load();
  const source = [
    "import type { A } from '@aws-sdk/client-s3';",
    "import {\n  B,\n  type C,\n  D as E,\n} from '@aws-sdk/client-s3';",
    "import { F } from '@aws-sdk/client-iam';",
  ].join('\n');
  assert.deepEqual(importedNames(source, '@aws-sdk/client-s3'), ['B', 'D']);
  assert.match(String(importedNames("import * as s3 from '@aws-sdk/client-s3';", '@aws-sdk/client-s3')), /only form/);
});

test('every SDK import in src/ is one the stand-ins understand, and names a real export', async () => {
  const { sdkPackages, importedNames } = await load();
  let checked = 0;
  for (const file of sources(join(ROOT, 'src'))) {
    const source = readFileSync(file, 'utf8');
    for (const pkg of sdkPackages) {
      const statements = source.split(`from '${pkg}'`).length - 1;
      if (!statements) continue;
      const names = importedNames(source, pkg);
      assert.ok(Array.isArray(names), `${file}: ${String(names)}`);
      const found = [...source.matchAll(/import\s[^;]*?\sfrom\s'([^']+)'/g)].filter((m) => m[1] === pkg).length;
      assert.equal(found, statements, `${file}: every import from ${pkg} is a plain import statement`);
      const exported = Object.keys((await import(pkg)) as object);
      for (const name of names) assert.ok(exported.includes(name), `${file}: ${pkg} exports ${name}`);
      checked += names.length;
    }
  }
  assert.ok(checked > 10, `${checked} imported SDK names checked`);
});
