import * as l10n from '@vscode/l10n';
import { parse, ParseErrorCode, type ParseError } from 'jsonc-parser';

export type JsonCheck =
  { ok: true; value: unknown } | { ok: false; message: string; offset: number; line: number; column: number };

/**
 * Parses JSON text and, when it is invalid, says where (1-based line and column) and what was expected.
 * V8's JSON.parse does not always give a position ("Unexpected token '}', ... is not valid JSON"), so
 * jsonc-parser (VS Code's own, in strict JSON mode) finds the first offending token.
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

/** Finds the first syntax error of text that JSON.parse rejected. */
function locateJsonError(text: string): { offset: number; message: string } {
  const errors: ParseError[] = [];
  try {
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    // Only a stack overflow on absurd nesting gets here.
    return { offset: 0, message: l10n.t('Invalid JSON (nested too deeply)') };
  }
  const [first, next] = errors;
  // The parser accepted what JSON.parse rejected; should not happen, but never hide the error.
  if (!first) return { offset: 0, message: l10n.t('Invalid JSON') };
  const found = text.slice(first.offset, first.offset + Math.max(first.length, 1));
  return {
    offset: first.offset,
    message: describe(first.error, found, first.offset >= text.length, next && expected(next.error)),
  };
}

/** What the parser wanted instead, for errors about the structure; undefined for errors inside a token. */
function expected(code: ParseErrorCode): string | undefined {
  switch (code) {
    case ParseErrorCode.PropertyNameExpected:
      return l10n.t('a property name in double quotes');
    case ParseErrorCode.ValueExpected:
      return l10n.t('a JSON value');
    case ParseErrorCode.ColonExpected:
      return '":"';
    case ParseErrorCode.CommaExpected:
      return '","';
    case ParseErrorCode.CloseBraceExpected:
      return l10n.t('"," or "}"');
    case ParseErrorCode.CloseBracketExpected:
      return l10n.t('"," or "]"');
    case ParseErrorCode.EndOfFileExpected:
      return l10n.t('the end of the JSON text');
    case ParseErrorCode.InvalidSymbol:
    case ParseErrorCode.InvalidNumberFormat:
    case ParseErrorCode.InvalidCommentToken:
    case ParseErrorCode.UnexpectedEndOfComment:
    case ParseErrorCode.UnexpectedEndOfString:
    case ParseErrorCode.UnexpectedEndOfNumber:
    case ParseErrorCode.InvalidUnicode:
    case ParseErrorCode.InvalidEscapeCharacter:
    case ParseErrorCode.InvalidCharacter:
      return undefined;
  }
}

/** The message for the first error; `then` is what the parser expected at the error after it, if any. */
function describe(code: ParseErrorCode, found: string, atEnd: boolean, then: string | undefined): string {
  const unexpected = (wanted: string) =>
    atEnd
      ? l10n.t('Unexpected end of JSON; expected {0}', wanted)
      : l10n.t('Unexpected {0}; expected {1}', JSON.stringify(found), wanted);
  switch (code) {
    case ParseErrorCode.InvalidSymbol:
      // A word or character that is no JSON token: what was expected shows in the next error, if any;
      // without one the text goes on after a complete value.
      return unexpected(then ?? l10n.t('the end of the JSON text'));
    case ParseErrorCode.UnexpectedEndOfString:
      return l10n.t(
        'Unterminated string: close it with a double quote; line breaks and control characters in strings must be escaped',
      );
    case ParseErrorCode.InvalidCharacter:
      return unexpected(l10n.t('a character (control characters must be escaped)'));
    case ParseErrorCode.InvalidEscapeCharacter:
      return unexpected(l10n.t('an escape sequence'));
    case ParseErrorCode.InvalidUnicode:
      return unexpected(l10n.t('a hex digit'));
    case ParseErrorCode.InvalidNumberFormat:
    case ParseErrorCode.UnexpectedEndOfNumber:
      return unexpected(l10n.t('a digit'));
    case ParseErrorCode.InvalidCommentToken:
    case ParseErrorCode.UnexpectedEndOfComment:
      return l10n.t('JSON does not allow comments');
    case ParseErrorCode.PropertyNameExpected:
    case ParseErrorCode.ValueExpected:
    case ParseErrorCode.ColonExpected:
    case ParseErrorCode.CommaExpected:
    case ParseErrorCode.CloseBraceExpected:
    case ParseErrorCode.CloseBracketExpected:
    case ParseErrorCode.EndOfFileExpected:
      return unexpected(expected(code)!);
  }
}
