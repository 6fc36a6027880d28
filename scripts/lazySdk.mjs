// The AWS SDK is three quarters of the extension's code and activation does not need it. The extension's bundles
// (dist/extension.js, dist/extension-lazy.js) therefore hold no SDK: each `@aws-sdk/*` / `@smithy/*` import in it becomes a stand-in whose exports are
// getters, and the first read of one loads dist/aws-sdk.js (the SDK packages of package.json's dependencies,
// each evaluated when first read). Getters, not a Proxy, because esbuild's CommonJS interop copies a module's
// own keys at import time; the keys are the names the importing file imports.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SDK = /^@(aws-sdk|smithy)\//;
const NAMESPACE = 'lazy-sdk';
const BUNDLE = './aws-sdk.js';

/** The SDK packages the extension may import: those package.json lists as dependencies. */
export const sdkPackages = Object.keys(
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).dependencies,
).filter((p) => SDK.test(p));

/** For the extension's build: SDK imports from our sources resolve to getter stand-ins. */
export const lazySdkPlugin = {
  name: 'lazy-sdk',
  setup(build) {
    build.onResolve({ filter: /^\.\/aws-sdk\.js$/, namespace: NAMESPACE }, () => ({ path: BUNDLE, external: true }));
    build.onResolve({ filter: SDK }, (args) => {
      if (args.importer.includes('node_modules')) return undefined;
      if (!sdkPackages.includes(args.path))
        return { errors: [{ text: `${args.path} is not a dependency in package.json` }] };
      // One stand-in per importing file, with just the names that file imports.
      return {
        path: `${args.path}:${args.importer}`,
        namespace: NAMESPACE,
        pluginData: { pkg: args.path, importer: args.importer },
      };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, ({ pluginData: { pkg, importer } }) => {
      const names = importedNames(readFileSync(importer, 'utf8'), pkg);
      if (typeof names === 'string') return { errors: [{ text: `${importer}: ${names}` }] };
      return {
        loader: 'js',
        contents:
          `const load = () => require(${JSON.stringify(BUNDLE)})[${JSON.stringify(pkg)}];\n` +
          `Object.defineProperty(exports, '__esModule', { value: true });\n` +
          `for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });\n`,
      };
    });
  },
};

/** The value names `source` imports from `pkg` (`import { A, type B, C as D }` → A, C), or why it cannot tell. */
export function importedNames(source, pkg) {
  const names = [];
  const quoted = pkg.replace(/[/.-]/g, (c) => `\\${c}`);
  for (const m of source.matchAll(new RegExp(`import\\s+(type\\s+)?([^;]*?)\\s+from\\s+'${quoted}'`, 'g'))) {
    if (m[1]) continue;
    const list = /^\{([^}]*)\}$/.exec(m[2].trim());
    if (!list) return `import { … } from '${pkg}' is the only form the lazy SDK stand-in supports`;
    for (const item of list[1].split(',').map((i) => i.trim())) {
      if (item && !item.startsWith('type ')) names.push(item.split(/\s+as\s+/)[0]);
    }
  }
  return names;
}

/** The entry of dist/aws-sdk.js: one getter per SDK package, so each is evaluated when first read. */
export const sdkBundleEntry = {
  contents: `module.exports = {\n${sdkPackages.map((p) => `  get ${JSON.stringify(p)}() { return require(${JSON.stringify(p)}); },`).join('\n')}\n};\n`,
  resolveDir: fileURLToPath(new URL('..', import.meta.url)),
  sourcefile: 'aws-sdk.js',
  loader: 'js',
};
