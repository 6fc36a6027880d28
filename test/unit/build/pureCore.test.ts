// The pure core (everything in src/ outside the editor shell) runs under plain Node: the CLI, the local
// endpoint and the unit tests load it without VS Code. ESLint refuses a direct `import 'vscode'` there; this
// test follows every import, direct or through other files, so the core cannot reach the shell either.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '../../../src');
/** The editor shell: the only code that may import `vscode`. */
const SHELL = [/^extension\.ts$/, /^services\.ts$/, /^vscode\//, /^views\//, /^commands\//];
const isShell = (file: string) => SHELL.some((re) => re.test(file));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [relative(SRC, p).split('\\').join('/')] : [];
  });
}

/** What a file imports: `vscode` as is, our own files as paths relative to src/ (type-only imports too). */
function importsOf(file: string, source: string): string[] {
  const specifiers = [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'([^']+)'/gm)].map((m) => m[1]);
  return specifiers.flatMap((s) => {
    if (s === 'vscode') return ['vscode'];
    if (!s.startsWith('.')) return [];
    const base = join(dirname(join(SRC, file)), s);
    const found = [`${base}.ts`, join(base, 'index.ts'), base].find((p) => existsSync(p) && statSync(p).isFile());
    assert.ok(found, `${file}: cannot resolve ${s}`);
    return [relative(SRC, found).split('\\').join('/')];
  });
}

test('importsOf finds static, type-only, side-effect and dynamic imports', () => {
  const source = [
    "import * as vscode from 'vscode';",
    "import type { Log } from '../util/log';",
    "import '../util/errors';",
    "const m = await import('../util/format');",
    "import { x } from 'node:fs';",
  ].join('\n');
  assert.deepEqual(importsOf('ops/x.ts', source), ['vscode', 'util/log.ts', 'util/errors.ts', 'util/format.ts']);
});

test('no file of the pure core reaches vscode or the shell, directly or through other files', () => {
  const files = sources(SRC);
  const graph = new Map(files.map((f) => [f, importsOf(f, readFileSync(join(SRC, f), 'utf8'))]));
  const core = files.filter((f) => !isShell(f));
  assert.ok(core.length > 100, `${core.length} core files`);
  const problems: string[] = [];
  for (const start of core) {
    // Breadth-first, keeping the way each file was reached so a failure names the chain.
    const via = new Map<string, string>([[start, '']]);
    const queue = [start];
    while (queue.length) {
      const file = queue.shift()!;
      for (const next of graph.get(file) ?? []) {
        if (via.has(next)) continue;
        via.set(next, file);
        if (next === 'vscode' || isShell(next)) {
          const chain = [next];
          for (let f = file; f; f = via.get(f)!) chain.unshift(f);
          problems.push(chain.join(' → '));
        } else queue.push(next);
      }
    }
  }
  assert.deepEqual(problems, []);
});
