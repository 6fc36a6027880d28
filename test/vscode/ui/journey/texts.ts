// What the extension shows in the flow's display language, read from the same files VS Code reads: the zh-cn
// l10n bundle and package.nls.zh-cn.json (English: the keys and package.nls.json). A zh-cn flow also checks that
// every text it waits for really is Chinese, so a missing translation fails the flow instead of passing in English.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../lib/paths';

const CJK = /[\u4e00-\u9fff]/;

export interface Texts {
  locale: string;
  /** `vscode.l10n.t(message, ...args)` as the extension renders it. */
  t(message: string, ...args: (string | number)[]): string;
  /** A regular expression for `t(message, ...)` where `undefined` arguments match anything. */
  pattern(message: string, ...args: (string | number | undefined)[]): RegExp;
  /** A `%key%` of package.json (command titles, walkthrough texts). */
  nls(key: string): string;
}

export function textsFor(locale: string): Texts {
  const read = (file: string) =>
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')) as Record<string, string>;
  const zh = locale === 'zh-cn';
  const bundle = zh ? read('l10n/bundle.l10n.zh-cn.json') : {};
  const manifest = read(zh ? 'package.nls.zh-cn.json' : 'package.nls.json');
  const translated = (message: string, text: string | undefined) => {
    if (text === undefined) throw new Error(`no ${locale} text for "${message}"`);
    if (zh && !CJK.test(text)) throw new Error(`the ${locale} text for "${message}" is not Chinese: "${text}"`);
    return text;
  };
  const template = (message: string) => translated(message, zh ? bundle[message] : message);
  return {
    locale,
    t: (message, ...args) => template(message).replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])),
    pattern: (message, ...args) => {
      const parts = template(message).split(/(\{\d+\})/);
      const source = parts
        .map((part) => {
          const m = /^\{(\d+)\}$/.exec(part);
          if (!m) return escape(part);
          const arg = args[Number(m[1])];
          return arg === undefined ? '.*' : escape(String(arg));
        })
        .join('');
      return new RegExp(source);
    },
    nls: (key) => translated(key, manifest[key]),
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
