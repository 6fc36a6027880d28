import * as l10n from '@vscode/l10n';

export type JsonCheck =
  | { ok: true; value: unknown }
  | { ok: false; message: string; offset: number; line: number; column: number };

/**
 * Parses JSON text and, when it is invalid, says where (1-based line and column).
 * V8's JSON.parse does not always give a position ("Unexpected token '}', ... is not valid JSON"),
 * so a small scanner walks the grammar to find the first offending character.
 */
export function checkJson(text: string): JsonCheck {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    const { offset, message } = locateJsonError(body);
    const shift = body === text ? 0 : 1;
    const { line, column } = lineColumn(body, offset);
    return { ok: false, message, offset: offset + shift, line, column };
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

class JsonSyntax extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

/** Finds the first syntax error of text that JSON.parse rejected. */
function locateJsonError(text: string): { offset: number; message: string } {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (expected: string): never => {
    if (i >= text.length) throw new JsonSyntax(i, l10n.t('Unexpected end of JSON; expected {0}', expected));
    throw new JsonSyntax(i, l10n.t('Unexpected {0}; expected {1}', JSON.stringify(text[i]), expected));
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail(JSON.stringify(word));
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('"');
      const c = text[i];
      if (c === '"') return void i++;
      if (c < ' ') fail(l10n.t('a character (control characters must be escaped)'));
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail(l10n.t('a hex digit'));
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail(l10n.t('an escape sequence'));
      }
      i++;
    }
  };
  const digits = () => {
    if (!/[0-9]/.test(text[i] ?? '')) fail(l10n.t('a digit'));
    while (/[0-9]/.test(text[i] ?? '')) i++;
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(l10n.t('a property name in double quotes'));
        string();
        ws();
        if (text[i] !== ':') fail('":"');
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail(l10n.t('"," or "}"'));
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail(l10n.t('"," or "]"'));
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail(l10n.t('a JSON value'));
  };
  try {
    value();
    ws();
    if (i < text.length) fail(l10n.t('the end of the JSON text'));
  } catch (e) {
    if (e instanceof JsonSyntax) return { offset: e.offset, message: e.message };
    // Only a stack overflow on absurd nesting gets here; report where the scan stopped.
    return { offset: i, message: l10n.t('Invalid JSON (nested too deeply)') };
  }
  // The scanner accepted what JSON.parse rejected; should not happen, but never hide the error.
  return { offset: 0, message: l10n.t('Invalid JSON') };
}
