import * as l10n from '@vscode/l10n';

/** Lambda's function name rule (a plain name; ARNs are for existing functions). */
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** A top-level `def name(event, context)`: two parameters, annotations and defaults allowed, nothing after them. */
const HANDLER_DEF =
  /^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(\s*[A-Za-z_]\w*\s*(?::[^,=)]+)?(?:=[^,)]+)?,\s*[A-Za-z_]\w*\s*(?::[^,=)]+)?(?:=[^,)]+)?,?\s*\)/gm;
/** Names people give Lambda handlers, most likely first. */
const USUAL_NAMES = ['lambda_handler', 'handler', 'main'];

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

/** Top-level functions of a Python source that take (event, context), the usual handler names first. */
export function findHandlerFunctions(source: string): string[] {
  const names = [...source.matchAll(HANDLER_DEF)].map((m) => m[1]);
  const rank = (n: string) => (USUAL_NAMES.includes(n) ? USUAL_NAMES.indexOf(n) : USUAL_NAMES.length);
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b));
}

/** `module.function` for a file at `relPath` inside the code folder ("pkg/app.py" → "pkg.app.handler"). */
export function handlerString(relPath: string, functionName: string): string {
  return `${relPath.replace(/\\/g, '/').replace(/\.py$/, '').replace(/\//g, '.')}.${functionName}`;
}
