// Activation loads dist/extension.js only; dist/extension-lazy.js (scripts/lazyBundle.mjs) holds what the
// commands, the local endpoint and the fleet engines need. A module in both bundles would be evaluated twice
// (two `UserError` classes, an l10n bundle configured in one copy only), and an engine in the first one would
// be compiled at every activation: these tests build both and check where the modules went.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

interface Split {
  activation: string[];
  lazy: string[];
  shared: string[];
}

test('the activation bundle holds what activation imports; engines and command handlers are in the lazy one, no module in both', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'll-lazy-bundle-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const { buildExtension } = (await import(join(ROOT, 'scripts', 'lazyBundle.mjs'))) as {
    buildExtension(options: object, entry: string): Promise<Split>;
  };
  const { lazySdkPlugin } = (await import(join(ROOT, 'scripts', 'lazySdk.mjs'))) as { lazySdkPlugin: object };
  const split = await buildExtension(
    {
      absWorkingDir: ROOT,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      loader: { '.py': 'text' },
      external: ['vscode'],
      alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
      logLevel: 'warning',
      outdir: out,
      plugins: [lazySdkPlugin],
    },
    'src/extension.ts',
  );

  assert.deepEqual(
    split.activation.filter((f) => split.lazy.includes(f)),
    [],
    'modules in both bundles',
  );
  for (const f of [
    'src/extension.ts',
    'src/services.ts',
    'src/commands/registerCommands.ts',
    'src/views/explorerViews.ts',
  ])
    assert.ok(split.activation.includes(f), `${f} is loaded at activation`);
  for (const f of [
    'src/commands/refresh.ts',
    'src/commands/buildLayer.ts',
    'src/layer/build.ts',
    'src/sandbox/server.ts',
    'src/invoke/probe.ts',
    'src/fleet/rollout.ts',
    'src/stack/zipIndex.ts',
    'node_modules/yauzl/index.js',
  ]) {
    assert.ok(split.lazy.includes(f), `${f} is in the lazy bundle`);
    assert.ok(!split.activation.includes(f), `${f} is not loaded at activation`);
  }
  // The lazy bundle takes the modules it shares with activation from dist/extension.js.
  assert.ok(
    split.shared.includes('src/util/errors.ts') && split.shared.includes('node_modules/@vscode/l10n/dist/main.js'),
  );
  assert.ok(statSync(join(out, 'extension.js')).size < statSync(join(out, 'extension-lazy.js')).size);
});
