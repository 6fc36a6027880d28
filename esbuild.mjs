// Bundles the extension and its headless entry points. Type checking is separate (`tsc --noEmit`).
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
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

const builds = [
  // The extension loads the AWS SDK (dist/aws-sdk.js) on first use: see scripts/lazySdk.mjs.
  { entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', plugins: [lazySdkPlugin] },
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
