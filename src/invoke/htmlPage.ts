import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../util/html';

/**
 * The frame of our webview pages: a strict Content-Security-Policy (only our nonce'd style and script run)
 * and styles built on the editor theme's CSS variables, so pages follow light, dark and high-contrast themes.
 * Pure: the editor shell supplies the nonce and the webview's CSP source.
 */
export interface PageFrame {
  nonce: string;
  /** `webview.cspSource` of the panel. */
  cspSource: string;
  title: string;
  /** BCP 47 tag for `<html lang>` and number/date formatting. */
  locale?: string;
}

/** A nonce for the CSP: 32 random base64url characters. */
export function makeNonce(): string {
  return randomBytes(24).toString('base64url');
}

export function htmlDocument(frame: PageFrame, body: string, script = ''): string {
  const csp = [
    "default-src 'none'",
    `style-src ${frame.cspSource} 'nonce-${frame.nonce}'`,
    `script-src 'nonce-${frame.nonce}'`,
    `img-src ${frame.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(frame.locale ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(frame.title)}</title>
<style nonce="${frame.nonce}">${BASE_CSS}</style>
</head>
<body>
${body}
${script ? `<script nonce="${frame.nonce}">${script}</script>` : ''}
</body>
</html>`;
}

/**
 * Clicks on `[data-action]` elements post `{ type: action, value }` to the extension; nothing else runs
 * in the page. `acquireVsCodeApi` is the webview's bridge.
 */
export const ACTION_SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const el = event.target instanceof Element ? event.target.closest('[data-action]') : null;
  if (!el) return;
  event.preventDefault();
  vscode.postMessage({ type: el.getAttribute('data-action'), value: el.getAttribute('data-value') });
});`;

const BASE_CSS = `
:root { color-scheme: light dark; }
body {
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground);
  background: var(--vscode-editor-background); padding: 12px 20px 32px; line-height: 1.45; max-width: 1100px;
}
h1 { font-size: 1.45em; font-weight: 600; margin: 0 0 2px; }
h2 { font-size: 1.05em; font-weight: 600; margin: 22px 0 8px; text-transform: none; }
.sub { color: var(--vscode-descriptionForeground); margin: 0 0 12px; }
.row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.badge {
  display: inline-flex; align-items: center; gap: 4px; border-radius: 10px; padding: 1px 9px; font-size: 0.92em;
  font-weight: 600; border: 1px solid transparent;
}
.badge.ok { color: var(--vscode-testing-iconPassed); border-color: var(--vscode-testing-iconPassed); }
.badge.fail { color: var(--vscode-errorForeground); border-color: var(--vscode-errorForeground); }
.badge.warn { color: var(--vscode-editorWarning-foreground); border-color: var(--vscode-editorWarning-foreground); }
.badge.info { background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0 4px; }
.card {
  min-width: 120px; padding: 8px 12px; border-radius: 4px; background: var(--vscode-editorWidget-background);
  border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border));
}
.card .label { color: var(--vscode-descriptionForeground); font-size: 0.85em; }
.card .value { font-size: 1.25em; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .note { color: var(--vscode-descriptionForeground); font-size: 0.85em; }
.notice { padding: 8px 12px; border-radius: 4px; margin: 10px 0; border-left: 3px solid; }
.notice.warn { border-color: var(--vscode-editorWarning-foreground); background: var(--vscode-inputValidation-warningBackground); }
.notice.error { border-color: var(--vscode-errorForeground); background: var(--vscode-inputValidation-errorBackground); }
.notice.info { border-color: var(--vscode-textLink-foreground); background: var(--vscode-textBlockQuote-background); }
.error-title { font-weight: 600; color: var(--vscode-errorForeground); }
pre {
  font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); margin: 0;
  padding: 10px 12px; border-radius: 4px; overflow: auto; max-height: 420px; white-space: pre-wrap; word-break: break-word;
  background: var(--vscode-textCodeBlock-background); border: 1px solid var(--vscode-widget-border, transparent);
}
/* Inline style attributes are blocked by the CSP: layout helpers are classes. */
.push { margin-left: auto; }
.muted { color: var(--vscode-descriptionForeground); }
pre .muted { opacity: 0.75; }
details { margin: 18px 0 0; }
summary { cursor: pointer; font-weight: 600; margin-bottom: 8px; }
.log-error { color: var(--vscode-errorForeground); }
.j-key { color: var(--vscode-debugTokenExpression-name, var(--vscode-symbolIcon-propertyForeground)); }
.j-str { color: var(--vscode-debugTokenExpression-string); }
.j-num { color: var(--vscode-debugTokenExpression-number); }
.j-lit { color: var(--vscode-debugTokenExpression-boolean); }
.section-head { display: flex; align-items: baseline; gap: 10px; }
.section-head h2 { margin-right: auto; }
button, .button {
  font-family: inherit; font-size: 0.95em; color: var(--vscode-button-secondaryForeground); cursor: pointer;
  background: var(--vscode-button-secondaryBackground); border: 1px solid var(--vscode-button-border, transparent);
  border-radius: 2px; padding: 3px 10px;
}
button.primary { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
button.primary:hover { background: var(--vscode-button-hoverBackground); }
button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); vertical-align: top; }
th { color: var(--vscode-descriptionForeground); font-weight: 600; font-size: 0.9em; }
td.num { font-variant-numeric: tabular-nums; }
td.err { font-family: var(--vscode-editor-font-family); font-size: 0.92em; color: var(--vscode-errorForeground); word-break: break-word; }
tr.selected td { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
tr.pick { cursor: pointer; }
tr.pick:hover td { background: var(--vscode-list-hoverBackground); }
tr.selected:hover td { background: var(--vscode-list-activeSelectionBackground); }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; }
.dot.ok { background: var(--vscode-testing-iconPassed); }
.dot.fail { background: var(--vscode-errorForeground); }
`;
