// Runs one test tier (unit | integration) with Node's own test runner, TypeScript loaded through tsx.
// Node 20's --test does not expand globs, so the files are collected here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const tier = process.argv[2];
const filter = process.argv[3];
if (!tier) {
  console.error('usage: run-tests.mjs unit|integration [filter]');
  process.exit(2);
}

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? collect(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

const files = collect(join('test', tier))
  .filter((f) => !filter || f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error(`no ${tier} tests found`);
  process.exit(1);
}
const args = ['--import', 'tsx', '--test', '--test-concurrency=2', ...files];
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
