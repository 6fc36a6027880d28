import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { UserError } from '../util/errors';
import { decodeRequirementsFile } from './requirementsEncoding';

/** One requirement line, as pip would read it. */
export interface Requirement {
  name: string;
  extras: string[];
  /** ">=1.0,<2" (empty for any version or a URL requirement) */
  specifier: string;
  url?: string;
  marker?: string;
  hashes: string[];
  file: string;
  line: number;
}

/** Options lines that change where pip looks or how it checks (everything else in a file is a requirement). */
export interface RequirementsOptions {
  indexUrl?: string;
  extraIndexUrls: string[];
  findLinks: string[];
  noIndex: boolean;
  requireHashes: boolean;
  pre: boolean;
  /** The index lines above in the file's order (pip applies them line by line). */
  indexLines: { option: FileIndex['option']; url: string }[];
}

export interface ParsedFile {
  requirements: Requirement[];
  /** -r files, relative to this file's folder unless absolute. */
  includes: string[];
  /** -c files, same rule. */
  constraints: string[];
  options: RequirementsOptions;
  /** Names of ${VAR} references pip will expand from the environment. */
  envRefs: string[];
}

/** An index option line (`--index-url`, `--extra-index-url`, `--find-links`) and the file that names it. */
export interface FileIndex {
  option: 'index-url' | 'extra-index-url' | 'find-links' | 'no-index';
  /** As pip uses it: ${VAR} references expanded ("" for no-index). */
  url: string;
  file: string;
}

/** What the build needs from the files together; pip and uv read the option lines from the files themselves. */
export interface LoadedRequirements extends Omit<ParsedFile, 'includes' | 'constraints' | 'options'> {
  /** The root file and every file it includes, in reading order, with their text as pip decodes it (for the cache key). */
  files: { path: string; content: string }[];
  /** Indexes and find-links folders the files name, in reading order. */
  indexes: FileIndex[];
}

export class RequirementsSyntaxError extends UserError {
  constructor(file: string, line: number, problem: string) {
    super(l10n.t('{0}, line {1}: {2}', file, line, problem));
  }
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const VERSION_CLAUSE = /^\s*(===|~=|==|!=|<=|>=|<|>)\s*([A-Za-z0-9_.*+!-]+)\s*$/;
const ARCHIVE = /\.(whl|zip|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar)$/i;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const ENV_REF = /\$\{([A-Z0-9_]+)\}/g;

/** Options pip accepts on their own line (pip's req_file.SUPPORTED_OPTIONS); `takesValue` as in pip. */
const LINE_OPTIONS: Record<string, { canonical: string; takesValue: boolean }> = {
  '-r': { canonical: '--requirement', takesValue: true },
  '--requirement': { canonical: '--requirement', takesValue: true },
  '-c': { canonical: '--constraint', takesValue: true },
  '--constraint': { canonical: '--constraint', takesValue: true },
  '-e': { canonical: '--editable', takesValue: true },
  '--editable': { canonical: '--editable', takesValue: true },
  '-i': { canonical: '--index-url', takesValue: true },
  '--index-url': { canonical: '--index-url', takesValue: true },
  '--extra-index-url': { canonical: '--extra-index-url', takesValue: true },
  '--no-index': { canonical: '--no-index', takesValue: false },
  '-f': { canonical: '--find-links', takesValue: true },
  '--find-links': { canonical: '--find-links', takesValue: true },
  '--no-binary': { canonical: '--no-binary', takesValue: true },
  '--only-binary': { canonical: '--only-binary', takesValue: true },
  '--prefer-binary': { canonical: '--prefer-binary', takesValue: false },
  '--require-hashes': { canonical: '--require-hashes', takesValue: false },
  '--pre': { canonical: '--pre', takesValue: false },
  '--trusted-host': { canonical: '--trusted-host', takesValue: true },
  '--use-feature': { canonical: '--use-feature', takesValue: true },
};
const PER_REQUIREMENT_OPTIONS = new Set(['--hash', '--config-settings', '--global-option']);

/**
 * Parses one requirements file's text. Pure: includes are returned, not followed. `${NAME}` references are
 * expanded from `env` on each logical line, as pip does (pip's req_file.expand_env_variables): only upper-case
 * letters, digits and `_`, and a variable that is unset or empty leaves the reference as it is.
 */
export function parseRequirementsText(text: string, file: string, env: NodeJS.ProcessEnv = {}): ParsedFile {
  const result: ParsedFile = {
    requirements: [],
    includes: [],
    constraints: [],
    options: { extraIndexUrls: [], findLinks: [], noIndex: false, requireHashes: false, pre: false, indexLines: [] },
    envRefs: [],
  };
  for (const logical of logicalLines(text)) {
    const { lineNo } = logical;
    for (const m of logical.line.matchAll(ENV_REF)) if (!result.envRefs.includes(m[1])) result.envRefs.push(m[1]);
    const line = logical.line.replace(ENV_REF, (ref, name: string) => env[name] || ref);
    if (line.startsWith('-')) parseOptionLine(line, file, lineNo, result);
    else result.requirements.push(parseRequirementLine(line, file, lineNo));
  }
  return result;
}

/** Joins `\` continuations and drops comments and blank lines, keeping the first physical line number. */
function logicalLines(text: string): { line: string; lineNo: number }[] {
  const out: { line: string; lineNo: number }[] = [];
  const physical = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let pending = '';
  let start = 0;
  physical.forEach((raw, i) => {
    if (pending === '') start = i + 1;
    if (raw.endsWith('\\')) {
      pending += raw.slice(0, -1);
      return;
    }
    const joined = (pending + raw).replace(/(^|\s+)#.*$/, '').trim();
    pending = '';
    if (joined) out.push({ line: joined, lineNo: start });
  });
  const rest = pending.replace(/(^|\s+)#.*$/, '').trim();
  if (rest) out.push({ line: rest, lineNo: start });
  return out;
}

function parseOptionLine(line: string, file: string, lineNo: number, into: ParsedFile): void {
  const tokens = splitArgs(line, file, lineNo);
  for (let i = 0; i < tokens.length; i++) {
    let flag = tokens[i];
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    } else if (/^-[a-z].+/.test(flag) && LINE_OPTIONS[flag.slice(0, 2)]) {
      value = flag.slice(2);
      flag = flag.slice(0, 2);
    }
    const spec = LINE_OPTIONS[flag];
    if (!spec) throw new RequirementsSyntaxError(file, lineNo, l10n.t('unknown option "{0}".', flag));
    if (spec.takesValue && value === undefined) {
      value = tokens[++i];
      if (value === undefined) throw new RequirementsSyntaxError(file, lineNo, l10n.t('"{0}" needs a value.', flag));
    }
    applyOption(spec.canonical, value ?? '', file, lineNo, into);
  }
}

function applyOption(option: string, value: string, file: string, lineNo: number, into: ParsedFile): void {
  switch (option) {
    case '--editable':
      throw new RequirementsSyntaxError(
        file,
        lineNo,
        l10n.t(
          'editable requirements ("-e {0}") cannot go into a layer: a layer must contain installed files. Build a wheel of the project and reference it from an index or --find-links folder, or list the package by name.',
          value,
        ),
      );
    case '--requirement':
      into.includes.push(value);
      break;
    case '--constraint':
      into.constraints.push(value);
      break;
    case '--index-url':
      into.options.indexUrl = value;
      into.options.indexLines.push({ option: 'index-url', url: value });
      break;
    case '--extra-index-url':
      into.options.extraIndexUrls.push(value);
      into.options.indexLines.push({ option: 'extra-index-url', url: value });
      break;
    case '--find-links':
      into.options.findLinks.push(value);
      into.options.indexLines.push({ option: 'find-links', url: value });
      break;
    case '--no-index':
      into.options.noIndex = true;
      into.options.indexLines.push({ option: 'no-index', url: '' });
      break;
    case '--require-hashes':
      into.options.requireHashes = true;
      break;
    case '--pre':
      into.options.pre = true;
      break;
    // --no-binary, --only-binary, --prefer-binary, --trusted-host, --use-feature: pip applies them itself.
  }
}

function parseRequirementLine(line: string, file: string, lineNo: number): Requirement {
  const { spec, options } = splitRequirementOptions(line, file, lineNo);
  const hashes: string[] = [];
  for (const [flag, value] of options) {
    if (!PER_REQUIREMENT_OPTIONS.has(flag)) {
      throw new RequirementsSyntaxError(file, lineNo, l10n.t('"{0}" is not allowed after a requirement.', flag));
    }
    if (flag === '--hash') {
      if (!/^(sha256|sha384|sha512|md5|sha1|sha224):[0-9a-fA-F]+$/.test(value)) {
        throw new RequirementsSyntaxError(
          file,
          lineNo,
          l10n.t('invalid hash "{0}": expected --hash=sha256:<hex>.', value),
        );
      }
      hashes.push(value);
    }
  }
  refuseLocalPath(spec, file, lineNo);
  return { ...parsePep508(spec, file, lineNo), hashes, file, line: lineNo };
}

/** A requirement ends where the first token starting with "-" begins (pip's break_args_options). */
function splitRequirementOptions(line: string, file: string, lineNo: number) {
  const tokens = line.split(/\s+/);
  const first = tokens.findIndex((t) => t.startsWith('-'));
  const spec = (first < 0 ? tokens : tokens.slice(0, first)).join(' ');
  const optionTokens = first < 0 ? [] : splitArgs(tokens.slice(first).join(' '), file, lineNo);
  const options: [string, string][] = [];
  for (let i = 0; i < optionTokens.length; i++) {
    const t = optionTokens[i];
    const eq = t.indexOf('=');
    if (eq > 0) options.push([t.slice(0, eq), t.slice(eq + 1)]);
    else options.push([t, optionTokens[++i] ?? '']);
  }
  return { spec, options };
}

function refuseLocalPath(spec: string, file: string, lineNo: number): void {
  const bareUrl = URL_SCHEME.test(spec);
  const direct = bareUrl ? undefined : /^[A-Za-z0-9._-]+\s*(?:\[[^\]]*\])?\s*@\s*(\S+)/.exec(spec);
  const target = bareUrl ? spec : direct ? direct[1] : spec.split(/[\s;]/)[0];
  const local = URL_SCHEME.test(target)
    ? /^file:/i.test(target)
    : /^(\.|~|[A-Za-z]:)/.test(target) || /[\\/]/.test(target) || ARCHIVE.test(target);
  if (local) {
    throw new RequirementsSyntaxError(
      file,
      lineNo,
      l10n.t(
        'local path requirements ("{0}") are not supported: their contents are not part of the build inputs. Put the wheel in a folder and add "--find-links <folder>" with the package name, or publish it to an index.',
        spec,
      ),
    );
  }
}

/** PEP 508 subset pip accepts in requirement files: name[extras] (specifiers | @ url) (; marker). */
function parsePep508(spec: string, file: string, lineNo: number): Omit<Requirement, 'hashes' | 'file' | 'line'> {
  if (URL_SCHEME.test(spec)) {
    const egg = /#egg=([A-Za-z0-9._-]+)/.exec(spec);
    if (!egg)
      throw new RequirementsSyntaxError(
        file,
        lineNo,
        l10n.t('a URL requirement needs a name: write "name @ {0}".', spec),
      );
    return { name: egg[1], extras: [], specifier: '', url: spec };
  }
  const nameMatch = NAME.exec(spec);
  if (!nameMatch) {
    throw new RequirementsSyntaxError(
      file,
      lineNo,
      l10n.t('invalid requirement "{0}": expected a package name.', spec),
    );
  }
  const name = nameMatch[0];
  let rest = spec.slice(name.length).trim();
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0)
      throw new RequirementsSyntaxError(file, lineNo, l10n.t('invalid requirement "{0}": missing "]".', spec));
    extras = rest
      .slice(1, close)
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    if (extras.some((e) => !NAME.test(e) || NAME.exec(e)?.[0] !== e)) {
      throw new RequirementsSyntaxError(file, lineNo, l10n.t('invalid extras in "{0}".', spec));
    }
    rest = rest.slice(close + 1).trim();
  }
  let marker: string | undefined;
  let url: string | undefined;
  if (rest.startsWith('@')) {
    const m = /^@\s*(\S+)(?:\s+;\s*(.*))?$/.exec(rest);
    if (!m) throw new RequirementsSyntaxError(file, lineNo, l10n.t('invalid URL requirement "{0}".', spec));
    url = m[1];
    marker = m[2];
    rest = '';
  } else {
    const semi = rest.indexOf(';');
    if (semi >= 0) {
      marker = rest.slice(semi + 1).trim();
      rest = rest.slice(0, semi).trim();
    }
  }
  if (marker !== undefined) validateMarker(marker, spec, file, lineNo);
  return { name, extras, specifier: url ? '' : parseSpecifier(rest, spec, file, lineNo), url, marker };
}

function parseSpecifier(text: string, spec: string, file: string, lineNo: number): string {
  let body = text.trim();
  if (body.startsWith('(') && body.endsWith(')')) body = body.slice(1, -1);
  if (!body.trim()) return '';
  return body
    .split(',')
    .map((clause) => {
      const m = VERSION_CLAUSE.exec(clause);
      if (!m) {
        throw new RequirementsSyntaxError(
          file,
          lineNo,
          l10n.t('invalid version specifier "{0}" in "{1}" (expected e.g. "==1.2", ">=1.0,<2").', clause.trim(), spec),
        );
      }
      return `${m[1]}${m[2]}`;
    })
    .join(',');
}

function validateMarker(marker: string, spec: string, file: string, lineNo: number): void {
  const quotes = (marker.match(/"/g)?.length ?? 0) + (marker.match(/'/g)?.length ?? 0);
  let depth = 0;
  for (const ch of marker) {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (depth < 0) break;
  }
  if (!marker || quotes % 2 !== 0 || depth !== 0) {
    throw new RequirementsSyntaxError(file, lineNo, l10n.t('invalid environment marker in "{0}".', spec));
  }
}

/** Shell-like splitting (pip uses shlex) with single and double quotes. */
function splitArgs(line: string, file: string, lineNo: number): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | undefined;
  let has = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || current) out.push(current);
      current = '';
      has = false;
    } else {
      current += ch;
    }
  }
  if (quote) throw new RequirementsSyntaxError(file, lineNo, l10n.t('unterminated quote.'));
  if (has || current) out.push(current);
  return out;
}

/**
 * Reads a requirements file and everything it includes with -r / -c, relative to the including file, as pip
 * reads them (encoding, ${VAR} references from `env`). Remote includes are refused: their content could change
 * without the cache noticing. An include loop is refused with its chain: pip would recurse until Python's
 * RecursionError. A file included twice along different paths is read once.
 */
export async function loadRequirements(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedRequirements> {
  const loaded: LoadedRequirements = { requirements: [], envRefs: [], files: [], indexes: [] };
  const root = resolve(path);
  const seen = new Set<string>();
  const visit = async (abs: string, chain: string[], from?: { file: string; line: string }): Promise<void> => {
    if (chain.includes(abs)) throw includeLoop([...chain, abs], root);
    if (seen.has(abs)) return;
    seen.add(abs);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(
        from
          ? l10n.t('{0} includes "{1}", which cannot be read ({2}).', from.file, from.line, code ?? String(e))
          : l10n.t('Cannot read the requirements file {0} ({1}).', abs, code ?? String(e)),
      );
    }
    const content = decodeRequirementsFile(bytes, abs);
    loaded.files.push({ path: abs, content });
    const parsed = parseRequirementsText(content, abs, env);
    loaded.requirements.push(...parsed.requirements);
    loaded.indexes.push(...parsed.options.indexLines.map((line) => ({ ...line, file: abs })));
    for (const ref of parsed.envRefs) if (!loaded.envRefs.includes(ref)) loaded.envRefs.push(ref);
    for (const inc of [...parsed.includes, ...parsed.constraints]) {
      if (URL_SCHEME.test(inc)) {
        throw new UserError(
          l10n.t(
            '{0} includes the remote file "{1}". Download it next to the requirements file and include it by path.',
            abs,
            inc,
          ),
        );
      }
      await visit(resolve(dirname(abs), inc), [...chain, abs], { file: abs, line: inc });
    }
  };
  await visit(root, []);
  return loaded;
}

/** "a.txt → b.txt → a.txt", paths relative to the root file's folder. */
function includeLoop(chain: string[], root: string): UserError {
  const shown = chain.map((p) => relative(dirname(root), p) || p).join(' → ');
  return new UserError(
    l10n.t('The requirements files include each other in a loop: {0}. Remove one of these -r / -c lines.', shown),
  );
}
