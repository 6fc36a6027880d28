// Turns the workbench's console messages into plain lines. The extension host's console output arrives here
// too, as log lines of the workbench (that is how the Mocha reporter's lines reach the runner).
import { format } from 'node:util';
import type { ConsoleMessage, Page } from 'playwright-core';

/** What the workbench itself logs on every start here (no marketplace, no GPU): not about the extension. */
const NOISE = [
  /open-vsx\.org|ERR_NAME_NOT_RESOLVED|Failed to load resource/,
  /web worker extension host is started in a same-origin iframe/,
  /allow-scripts and allow-same-origin/,
  /connection token|Creating a socket|additional builtin extensions cache|\[Service Worker\]|ChatSessionStore/,
  /Overwriting extension <</,
];

/**
 * VS Code logs as console.log('%c INFO', 'color: …', message, ...args) and Chromium's text() neither drops the
 * CSS nor applies the message's own %s/%d, so the arguments are formatted here.
 */
async function messageText(message: ConsoleMessage): Promise<string> {
  const values = await Promise.all(message.args().map((a) => a.jsonValue().catch(() => undefined)));
  const [first, ...rest] = values;
  if (typeof first !== 'string' || !first.startsWith('%c')) return message.text();
  const styles = first.match(/%c/g)!.length;
  const level = first.replace(/%c/g, '').trim();
  const text = format(...rest.slice(styles));
  return level === 'INFO' || level === '' ? text : `${level} ${text}`;
}

export interface ConsoleTap {
  /** Every line so far, noise included. */
  lines: string[];
  /** Resolves once all messages received so far are in `lines`. */
  flush(): Promise<void>;
  dispose(): void;
}

/** Prints the page's console (minus known noise unless `verbose`) with `prefix`, and keeps every line. */
export function tapConsole(page: Page, prefix: string, verbose: boolean): ConsoleTap {
  const lines: string[] = [];
  let pending = Promise.resolve();
  const add = (text: string) => {
    lines.push(text);
    if (verbose || !NOISE.some((n) => n.test(text))) {
      for (const line of text.replace(/\s+$/, '').split('\n')) console.log(`${prefix}${line}`);
    }
  };
  const onConsole = (message: ConsoleMessage) => {
    // Formatting is asynchronous; the chain keeps the lines in order.
    pending = pending.then(() =>
      messageText(message)
        .catch(() => message.text())
        .then(add),
    );
  };
  const onPageError = (error: Error) => {
    pending = pending.then(() => add(`page error: ${error.stack ?? error.message}`));
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  return {
    lines,
    flush: () => pending,
    dispose: () => {
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
    },
  };
}
