// Mocha entry point that VS Code's extension host loads through `extensionTestsPath` (bundled by esbuild.mjs
// into out/test/suite/index.js). It runs every `test/vscode/suite/*.test.ts`: esbuild bundles all files matching
// the template-literal import below (a glob import), and the list of names comes from the source folder, so a
// new test file needs no registration, only `npm run compile`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Printed on its own console line so the runner can count results (the exit code says only pass/fail). */
const RESULT_MARKER = '[vscode-suite-result]';

const SUITE_SOURCE_DIR = path.resolve(__dirname, '../../../test/vscode/suite');

function loadTestFile(base: string): Promise<unknown> {
  return import(`./${base}.test.ts`);
}

function testBaseNames(): string[] {
  const filter = process.env.LAMBDA_LAYERS_SUITE_FILES?.split(',').filter(Boolean);
  return fs
    .readdirSync(SUITE_SOURCE_DIR)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -'.test.ts'.length))
    .filter((base) => !filter || filter.includes(base))
    .sort();
}

export async function run(): Promise<void> {
  process.setSourceMapsEnabled(true); // failure stacks point at the .ts files, not the bundle
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.LAMBDA_LAYERS_SUITE_TIMEOUT_MS ?? 30_000),
    grep: process.env.LAMBDA_LAYERS_SUITE_GREP || undefined,
  });
  mocha.ui('tdd'); // both describe/it and suite/test are available as globals

  for (const base of testBaseNames()) {
    const file = path.join(SUITE_SOURCE_DIR, `${base}.test.ts`);
    mocha.suite.emit('pre-require', globalThis, file, mocha);
    try {
      await loadTestFile(base);
    } catch (err) {
      throw new Error(`Could not load ${base}.test.ts from the bundle (run \`npm run compile\`): ${String(err)}`, {
        cause: err,
      });
    }
    mocha.suite.emit('require', undefined, file, mocha);
    mocha.suite.emit('post-require', globalThis, file, mocha);
  }

  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
      console.log(
        `${RESULT_MARKER} ${JSON.stringify({ passed: stats.passes, failed: stats.failures, pending: stats.pending })}`,
      );
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
}
