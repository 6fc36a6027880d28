// Loading a bundle compiles all of it, and activation runs a fraction of the extension's code. So the extension
// is two CommonJS bundles: dist/extension.js holds what src/extension.ts imports statically (what activation
// runs), dist/extension-lazy.js the modules it reaches only through `import()` (command handlers, the local
// endpoint, the fleet engines) and what only those need; the first such `import()` loads it.
// A module both need is in dist/extension.js alone, which exports its namespace; the lazy bundle takes it from
// there, so every module is evaluated once (one `UserError` class for `instanceof`, one l10n bundle).
// (esbuild's own code splitting needs ES modules: measured, loading its ~30 activation chunks through Node's ES
// module loader took longer than the one bundle it replaced.)
import * as esbuild from 'esbuild';
import { isAbsolute, relative, resolve } from 'node:path';

const LAZY_BUNDLE = 'extension-lazy.js';
const MAIN_BUNDLE = 'extension.js';
const SKIP = Symbol('resolving');
/** Modules worth sharing: code (a `.py` text or package.json data may be inlined in both bundles). */
const CODE = /\.(ts|js|mjs|cjs)$/;

/**
 * Builds dist/extension.js and dist/extension-lazy.js from `entry` with the esbuild options `options`
 * (outdir, plugins, … of a CommonJS build). Returns the source files each bundle holds (paths from the root).
 */
export async function buildExtension(options, entry) {
  const root = options.absWorkingDir ?? process.cwd();
  const abs = (p) => (isAbsolute(p) ? p : resolve(root, p));
  const key = (p) => relative(root, p).split('\\').join('/');

  // 1. What activation loads: the static imports of the entry, and the `import()` targets outside them.
  const dynamic = new Set();
  const probe = await esbuild.build({
    ...options,
    entryPoints: [entry],
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [...options.plugins, resolved('dynamic-import', (path) => (dynamic.add(path), { path, external: true }))],
  });
  const activation = new Set(
    Object.keys(probe.metafile.inputs)
      .map(abs)
      .filter((p) => CODE.test(p)),
  );
  const lazy = [...dynamic].filter((p) => !activation.has(p)).sort();

  // 2. The lazy bundle: those targets, with every module activation has taken from dist/extension.js.
  const taken = new Set();
  const lazyBuild = await esbuild.build({
    ...options,
    stdin: {
      contents:
        // Getters with `require`: each module (and what it imports) is evaluated when first asked for, as an
        // `import()` in one bundle would be; evaluating them all at once would load the AWS SDK.
        `export const modules = {\n${lazy.map((p) => `  get ${JSON.stringify(key(p))}() { return require(${JSON.stringify(p)}); },`).join('\n')}\n};\n`,
      resolveDir: root,
      sourcefile: LAZY_BUNDLE,
    },
    outfile: resolve(abs(options.outdir), LAZY_BUNDLE),
    outdir: undefined,
    metafile: true,
    plugins: [
      ...options.plugins,
      resolved(undefined, (path) =>
        activation.has(path) ? (taken.add(path), { path, namespace: 'shared' }) : undefined,
      ),
      reexport('shared', MAIN_BUNDLE, (path) => `.sharedModules[${JSON.stringify(key(path))}]`),
    ],
  });

  // 3. The activation bundle: the entry, the namespaces the lazy bundle takes, `import()` of the rest from it.
  const shared = [...taken].sort();
  await esbuild.build({
    ...options,
    stdin: {
      contents:
        `export * from ${JSON.stringify(abs(entry))};\n` +
        shared.map((p, i) => `import * as s${i} from ${JSON.stringify(p)};`).join('\n') +
        `\nexport const sharedModules = {${shared.map((p, i) => `${JSON.stringify(key(p))}: s${i}`).join(', ')}};\n`,
      resolveDir: root,
      sourcefile: MAIN_BUNDLE,
    },
    outfile: resolve(abs(options.outdir), MAIN_BUNDLE),
    outdir: undefined,
    plugins: [
      ...options.plugins,
      resolved('dynamic-import', (path) => (lazy.includes(path) ? { path, namespace: 'lazy' } : undefined)),
      reexport('lazy', LAZY_BUNDLE, (path) => `.modules[${JSON.stringify(key(path))}]`),
    ],
  });
  // Files of our namespace are keyed by their path; stand-ins by `namespace:…`.
  const files = (meta) =>
    Object.keys(meta.inputs).filter((p) => CODE.test(p) && !/^[\w-]+:/.test(p) && p !== LAZY_BUNDLE);
  return {
    activation: [...activation].map(key).sort(),
    lazy: files(lazyBuild.metafile).sort(),
    shared: shared.map(key),
  };
}

/** Resolves imports of `kind` (all when undefined) from our files as esbuild would, then asks `decide`. */
function resolved(kind, decide) {
  return {
    name: 'lazy-bundle-resolve',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === SKIP || (kind && args.kind !== kind) || args.namespace !== 'file') return undefined;
        const r = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          namespace: args.namespace,
          pluginData: SKIP,
        });
        if (r.errors.length) return { errors: r.errors };
        if (r.external) return { path: r.path, external: true };
        return r.namespace === 'file' ? decide(r.path) : undefined;
      });
    },
  };
}

/** Modules of `namespace` become stand-ins re-exporting a namespace that `bundle` exports (`member` says which). */
function reexport(namespace, bundle, member) {
  return {
    name: `lazy-bundle-${namespace}`,
    setup(build) {
      const file = `./${bundle}`;
      // The stand-ins' one import: the other bundle, beside this one in dist/.
      build.onResolve({ filter: /.*/, namespace }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace }, ({ path }) => ({
        loader: 'js',
        contents:
          `const ns = require(${JSON.stringify(file)})${member(path)};\n` +
          `Object.defineProperty(exports, '__esModule', { value: true });\n` +
          `for (const name of Object.keys(ns)) Object.defineProperty(exports, name, { enumerable: true, get: () => ns[name] });\n`,
      }));
    },
  };
}
