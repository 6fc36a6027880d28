/**
 * `npm run bench`: runs every bench/*.bench.ts (or those whose name contains argv[2]) one after another
 * and prints the lines each returns. A benchmark's default export has the `Bench` shape from lib.ts.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench } from './lib';

async function main(): Promise<void> {
  const filter = process.argv[2];
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
    .sort();
  let failed = false;
  for (const file of files) {
    process.stderr.write(`# ${file}\n`);
    try {
      const mod = (await import(join(__dirname, file))) as { default: Bench | { default: Bench } };
      // tsx may hand back the CommonJS namespace with the default export one level down.
      const bench = typeof mod.default === 'function' ? mod.default : mod.default.default;
      for (const line of await bench()) process.stdout.write(`${line}\n`);
    } catch (e) {
      failed = true;
      process.stderr.write(`${file} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
