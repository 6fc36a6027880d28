import * as vscode from 'vscode';

/** A Lambda timestamp (`2024-05-01T10:00:00.000+0000`) in the display language; the raw text when it does not parse. */
export function formatDate(value: string, options: { dateOnly?: boolean } = {}): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return options.dateOnly ? date.toLocaleDateString(vscode.env.language) : date.toLocaleString(vscode.env.language);
}

/** Comma-separated values, or a localized "any" for an empty list (Lambda treats a missing list as unrestricted). */
export function listOrAny(values: readonly string[]): string {
  return values.length > 0 ? values.join(', ') : vscode.l10n.t('any');
}

/** Escapes text for a MarkdownString (names and descriptions come from the account). */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
