import { isBuiltin } from 'node:module';
import { posix } from 'node:path';
import * as l10n from '@vscode/l10n';
import { init, parse } from 'es-module-lexer';
import { readZipTexts } from './zipIndex';

/** A bare import, in an ES module of a function's code, of a package that only a layer provides. */
export interface LayerOnlyImport {
  /** The importing file, as a path inside the code zip. */
  file: string;
  specifier: string;
  package: string;
}

/** The function's code as the check needs it: every file path, and the text of its package.json and ES modules. */
export interface CodeSources {
  paths: readonly string[];
  texts: ReadonlyMap<string, string>;
}

/** Bundles are lexed too, but a file past this is not hand-written code worth a warning. */
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

/**
 * The package a bare specifier names (`@scope/name` or `name`, without a subpath); undefined for what a layer
 * cannot provide: relative and absolute paths, URLs (`node:`, `file:`, `data:`), subpath imports (`#x`) and
 * Node.js's built-in modules.
 */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (/^[./#]/.test(specifier) || /^[a-z][a-z\d+.-]*:/i.test(specifier) || isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? (parts.length >= 2 ? `${parts[0]}/${parts[1]}` : undefined) : parts[0];
  return name && !isBuiltin(name) ? name : undefined;
}

/** `.mjs`, or `.js` under a nearest package.json with `"type": "module"` (Node.js's rule; `.cjs` never is). */
export function isEsModule(path: string, texts: ReadonlyMap<string, string>): boolean {
  if (path.endsWith('.mjs')) return true;
  if (!path.endsWith('.js')) return false;
  for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
    const text = texts.get(dir === '.' || dir === '/' ? 'package.json' : `${dir}/package.json`);
    if (text !== undefined) return packageType(text) === 'module';
    if (dir === '.' || dir === '/') return false;
  }
}

/** Whether the code zip's file should be read for the check: its ES module candidates and package.json files. */
export function isCodeSource(path: string, size: number): boolean {
  if (inNodeModules(path)) return false;
  return posix.basename(path) === 'package.json' || (/\.m?js$/.test(path) && size <= MAX_SOURCE_BYTES);
}

/**
 * The static (`import x from 'p'`, `import 'p'`, `export … from 'p'`) and dynamic (`import('p')`, with a string
 * literal) specifiers of an ES module, by es-module-lexer (comments, strings and template literals are not
 * imports); type-only imports are left out. Undefined when the source does not lex (not valid JavaScript).
 */
export async function importSpecifiers(source: string): Promise<string[] | undefined> {
  await init();
  try {
    const [imports] = parse(source);
    return imports.flatMap((i) =>
      i.type === 'import-meta' || !i.specifier || (i.type !== 'dynamic' && i.typeOnly) ? [] : [i.specifier],
    );
  } catch {
    return undefined;
  }
}

/**
 * The bare imports of the code's ES modules whose package is in `layerPackages` and not where Node.js's ES module
 * resolver looks (a `node_modules` folder of the importing file or one of its parents). `@aws-sdk/*` is left out:
 * the Node.js runtimes provide it themselves (/var/runtime/node_modules).
 */
export async function layerOnlyImports(
  code: CodeSources,
  layerPackages: ReadonlySet<string>,
): Promise<LayerOnlyImport[]> {
  const installed = installedPackageDirs(code.paths);
  const found: LayerOnlyImport[] = [];
  for (const [file, text] of code.texts) {
    if (inNodeModules(file) || !isEsModule(file, code.texts)) continue;
    for (const specifier of (await importSpecifiers(text)) ?? []) {
      const pkg = packageOfSpecifier(specifier);
      if (!pkg || !layerPackages.has(pkg) || pkg.startsWith('@aws-sdk/')) continue;
      if (ancestors(file).some((dir) => installed.has(`${dir}node_modules/${pkg}`))) continue;
      found.push({ file, specifier, package: pkg });
    }
  }
  return found;
}

/** Reads the code zip and finds its layer-only ES module imports (see `layerOnlyImports`). */
export async function readLayerOnlyImports(
  codeZipPath: string,
  layerPackages: ReadonlySet<string>,
  signal?: AbortSignal,
): Promise<LayerOnlyImport[]> {
  if (layerPackages.size === 0) return [];
  return layerOnlyImports(await readZipTexts(codeZipPath, isCodeSource, signal), layerPackages);
}

/** One warning for all of a function's layer-only ES module imports, with the import form that works on Lambda. */
export function layerOnlyImportWarning(imports: readonly LayerOnlyImport[]): string | undefined {
  if (imports.length === 0) return undefined;
  const packages = [...new Set(imports.map((i) => i.package))];
  const first = imports[0];
  return l10n.t(
    "ES module code imports {0} (first in {1}), which only a layer provides. Node.js's own ES module resolver does not search NODE_PATH, where the layer's /opt/nodejs/node_modules is: AWS documents that its Node.js 18+ runtimes do, but the import fails under plain Node.js (tests, scripts) and has been reported to fail on Lambda. The form that works everywhere loads it through CommonJS resolution, which uses NODE_PATH: import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); const pkg = require('{2}'); or import the file by its absolute path: /opt/nodejs/node_modules/{2}/<file>.",
    packages.map((p) => `'${p}'`).join(', '),
    first.file,
    first.package,
  );
}

function packageType(packageJson: string): unknown {
  try {
    return (JSON.parse(packageJson) as { type?: unknown }).type;
  } catch {
    return undefined;
  }
}

function inNodeModules(path: string): boolean {
  return /(^|\/)node_modules\//.test(path);
}

/** `a/node_modules/x` and `node_modules/@s/y` for every package folder in the zip. */
function installedPackageDirs(paths: readonly string[]): Set<string> {
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = 0; i < parts.length - 2; i++) {
      if (parts[i] !== 'node_modules') continue;
      const scoped = parts[i + 1].startsWith('@');
      if (scoped && i + 3 >= parts.length) continue;
      dirs.add(parts.slice(0, i + (scoped ? 3 : 2)).join('/'));
    }
  }
  return dirs;
}

/** "a/b/", "a/", "" for the file a/b/f.mjs: the folders whose node_modules the ES module resolver searches. */
function ancestors(file: string): string[] {
  const parts = file.split('/').slice(0, -1);
  return parts.map((_, i) => `${parts.slice(0, parts.length - i).join('/')}/`).concat('');
}
