import * as l10n from '@vscode/l10n';
import { runtimesOf, type Language, type Runtime } from '../layer/runtimes';
import { UserError } from '../util/errors';

/** Lambda's function name rule (a plain name; ARNs are for existing functions). */
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** A top-level `def name(event, context)`: two parameters, annotations and defaults allowed, nothing after them. */
const HANDLER_DEF =
  /^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(\s*[A-Za-z_]\w*\s*(?::[^,=)]+)?(?:=[^,)]+)?,\s*[A-Za-z_]\w*\s*(?::[^,=)]+)?(?:=[^,)]+)?,?\s*\)/gm;
/** Names people give Lambda handlers, most likely first. */
const USUAL_NAMES: Record<Language, string[]> = {
  python: ['lambda_handler', 'handler', 'main'],
  nodejs: ['handler', 'lambdaHandler', 'main'],
};
const NODE_EXTENSIONS = ['.js', '.mjs', '.cjs'];

/** Undefined when valid, else the message to show (for input boxes and the CLI). */
export function validateFunctionName(name: string): string | undefined {
  if (FUNCTION_NAME.test(name)) return undefined;
  return l10n.t('A function name has 1-64 letters, digits, hyphens or underscores.');
}

/** A valid function name from a folder name: other characters become "-", at most 64 characters. */
export function functionNameFrom(folderName: string): string {
  const name = folderName
    .replace(/[^a-zA-Z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return name || 'my-function';
}

/** The language of a handler file, from its extension; undefined for other files. */
export function codeLanguage(file: string): Language | undefined {
  const ext = /\.[^./\\]+$/.exec(file)?.[0].toLowerCase() ?? '';
  if (ext === '.py') return 'python';
  return NODE_EXTENSIONS.includes(ext) ? 'nodejs' : undefined;
}

/**
 * The handler functions of a source, the usual handler names first: for Python top-level functions that take
 * (event, context), for Node.js the module's named exports that are not plain values (CommonJS or ES module).
 */
export function findHandlerFunctions(source: string, language: Language = 'python'): string[] {
  const names = language === 'python' ? [...source.matchAll(HANDLER_DEF)].map((m) => m[1]) : nodeExports(source);
  const usual = USUAL_NAMES[language];
  const rank = (n: string) => (usual.includes(n) ? usual.indexOf(n) : usual.length);
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b));
}

/** The language of a function's code by its runtime (also a deprecated `nodejs16.x`); Python for anything else. */
export function runtimeCodeLanguage(runtime: string | undefined): Language {
  return runtime?.startsWith('nodejs') ? 'nodejs' : 'python';
}

/** A new function's runtime when no built layer of its language suggests one: python3.12, or the newest Node.js. */
export function defaultRuntime(language: Language): Runtime {
  return language === 'python' ? 'python3.12' : runtimesOf('nodejs')[0];
}

/** Whether a name is one people usually give handlers in that language (taken without asking when alone). */
export function isUsualHandlerName(name: string, language: Language): boolean {
  return USUAL_NAMES[language].includes(name);
}

const ID = '[A-Za-z_$][\\w$]*';
/** A right-hand side that is a plain value (object, array, string, number, constant, require), never a handler. */
const NOT_A_FUNCTION = String.raw`(?!\s*(?:[[{'"\`\d]|new\b|true\b|false\b|null\b|undefined\b|require\s*\())`;
const NODE_EXPORTS = [
  // exports.handler = … / module.exports.handler = …
  new RegExp(String.raw`(?:^|[^\w$.])(?:module\s*\.\s*)?exports\s*\.\s*(${ID})\s*=(?![=>])${NOT_A_FUNCTION}`, 'g'),
  // export const handler = …
  new RegExp(String.raw`\bexport\s+(?:const|let|var)\s+(${ID})\s*=${NOT_A_FUNCTION}`, 'g'),
  // export async function handler(…) / export function* handler(…)
  new RegExp(String.raw`\bexport\s+(?:async\s+)?function\s*\*?\s*(${ID})`, 'g'),
];

/** Named exports of a CommonJS or ES module source that may be functions; comments and strings are ignored. */
function nodeExports(source: string): string[] {
  const code = withoutCommentsAndStrings(source);
  const names = NODE_EXPORTS.flatMap((re) => [...code.matchAll(re)].map((m) => m[1]));
  // export { a, b as handler } (also re-exports from another module)
  for (const m of code.matchAll(/\bexport\s*\{([^}]*)\}/g)) {
    for (const entry of m[1].split(',')) {
      const name = new RegExp(String.raw`(${ID})\s*$`).exec(entry.trim())?.[1];
      if (name && name !== 'default') names.push(name);
    }
  }
  // module.exports = { handler, other: fn, async method() {…} }
  for (const m of code.matchAll(/(?:^|[^\w$.])module\s*\.\s*exports\s*=\s*\{/g)) {
    for (const entry of topLevelEntries(code, m.index + m[0].length)) {
      const key = new RegExp(String.raw`^\s*(?:async\s+)?\*?\s*(${ID})\s*(?:(:${NOT_A_FUNCTION})|[(,]|$)`).exec(entry);
      if (key && !entry.trim().startsWith('...')) names.push(key[1]);
    }
  }
  return names;
}

/** The comma-separated entries of an object literal whose body starts at `from`, up to its closing brace. */
function topLevelEntries(code: string, from: number): string[] {
  const entries: string[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < code.length; i++) {
    const c = code[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if ((c === '}' || c === ')' || c === ']') && depth > 0) depth--;
    else if (c === '}') return [...entries, code.slice(start, i)];
    else if (c === ',' && depth === 0) {
      entries.push(code.slice(start, i));
      start = i + 1;
    }
  }
  return entries;
}

/** Comments removed and string contents emptied, so commented-out or quoted code is not taken for an export. */
function withoutCommentsAndStrings(source: string): string {
  return source.replace(
    /("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
    (_match, quoted: string | undefined) => (quoted ? quoted[0] + quoted[0] : ' '),
  );
}

/**
 * The handler for a file at `relPath` inside the code folder: `pkg.app.handler` for "pkg/app.py" (a module path),
 * `src/app.handler` for "src/app.mjs" (Node.js keeps the folders and drops the extension).
 */
export function handlerString(relPath: string, functionName: string): string {
  const rel = relPath.replace(/\\/g, '/');
  if (codeLanguage(rel) !== 'nodejs') return `${rel.replace(/\.py$/, '').replace(/\//g, '.')}.${functionName}`;
  const module = rel.replace(/\.[^./]+$/, '');
  // Lambda's Node.js runtime takes the module name up to the first dot of the file name.
  if (module.slice(module.lastIndexOf('/') + 1).includes('.'))
    throw new UserError(
      l10n.t(
        'Lambda cannot load {0} as a Node.js handler: the file name before its extension must not contain dots. Rename the file.',
        rel,
      ),
    );
  return `${module}.${functionName}`;
}

/**
 * The files a handler may load, as paths inside the code zip: `pkg/mod.py` for Python (`pkg.mod.func` or
 * `pkg/mod.func`); for Node.js (`dir/mod.export`) `dir/mod` with no extension, .js, .mjs or .cjs, in the order
 * Lambda tries them. Undefined when the text is not a handler.
 */
export function handlerModuleFiles(handler: string, language: Language): string[] | undefined {
  if (language === 'python') {
    const dot = handler.lastIndexOf('.');
    return dot <= 0 ? undefined : [`${handler.slice(0, dot).replace(/\./g, '/')}.py`];
  }
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === handler.length - 1 || handler.includes('..')) return undefined;
  const module = handler.slice(0, dot).replace(/^\.?\//, '');
  return [module, ...NODE_EXTENSIONS.map((ext) => module + ext)];
}
