// Bundles the extension and its headless entry points. Type checking is separate (`tsc --noEmit`).
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import { buildExtension } from './scripts/lazyBundle.mjs';
import { lazySdkPlugin, sdkBundleEntry } from './scripts/lazySdk.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  // The runtime's Python (bootstrap.py, the probe handler) is bundled as strings; see src/util/pythonText.ts.
  loader: { '.py': 'text' },
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  // Its UMD entry (package.json "main") requires its parts at run time, which a bundle cannot resolve.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

// The runtime's JavaScript (bootstrap.cjs) runs in another process: this repository's .cjs files are bundled as
// strings, a dependency's .cjs as code; see src/util/scriptText.ts.
const scriptTextPlugin = {
  name: 'script-text',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.cjs$/ }, async (args) =>
      args.path.includes('node_modules') ? undefined : { contents: await readFile(args.path, 'utf8'), loader: 'text' },
    );
  },
};

// The extension: dist/extension.js (activation) and dist/extension-lazy.js (see scripts/lazyBundle.mjs); both load
// the AWS SDK (dist/aws-sdk.js) on first use (see scripts/lazySdk.mjs).
const extension = { ...common, outdir: 'dist', plugins: [lazySdkPlugin, scriptTextPlugin] };
if (watch) {
  // Any change may move a module between the two bundles: each rebuild of the entry rebuilds both.
  const rebuild = {
    name: 'rebuild-extension',
    // A failed build has printed its errors; the next change tries again.
    setup: (b) =>
      b.onEnd(async (r) => {
        if (!r.errors.length) await buildExtension(extension, 'src/extension.ts').catch(() => undefined);
      }),
  };
  const ctx = await esbuild.context({
    ...extension,
    entryPoints: ['src/extension.ts'],
    write: false,
    plugins: [...extension.plugins, rebuild],
  });
  await ctx.watch();
} else {
  await buildExtension(extension, 'src/extension.ts');
}

const builds = [
  { stdin: sdkBundleEntry, outfile: 'dist/aws-sdk.js' },
  { entryPoints: { sandbox: 'src/sandbox/main.ts', cli: 'src/cli/main.ts' }, outdir: 'dist' },
  // The in-editor Mocha suite is loaded by VS Code's test host, so it is bundled separately and never shipped.
  { entryPoints: { 'suite/index': 'test/vscode/suite/index.ts' }, outdir: 'out/test', external: ['vscode', 'mocha'] },
];

for (const b of builds) {
  const options = {
    ...common,
    ...b,
    external: b.external ?? common.external,
    plugins: [...(b.plugins ?? []), scriptTextPlugin],
  };
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  } else {
    await esbuild.build(options);
  }
}
