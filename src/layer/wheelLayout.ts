import * as l10n from '@vscode/l10n';
import { createHash } from 'node:crypto';
import { UserError } from '../util/errors';
import { csvFields } from './distInfo';

/**
 * Where each file of a wheel goes in a layer's python/ folder, the way an installer places it for `--target`:
 * the root and `<dist>.data/purelib|platlib` merge into python/; `.data/scripts`, `headers` and `data` are left
 * out (console scripts and C headers have no use on Lambda; pip -t puts data files at python/'s root, e.g.
 * python/share/…, where nothing looks for them: they are found through sys.prefix);
 * RECORD is rewritten for what is installed, and INSTALLER (and REQUESTED for asked-for packages) are added.
 */

export const INSTALLER_TEXT = 'pip\n';

/** The `*.dist-info` folder at the wheel's root that holds METADATA. */
export function distInfoDir(names: readonly string[], wheel: string): string {
  const dir = names.map((n) => /^([^/]+\.dist-info)\/METADATA$/.exec(n)?.[1]).find((d) => d !== undefined);
  if (!dir) throw new UserError(l10n.t('{0} is not a valid wheel: it has no .dist-info/METADATA.', wheel));
  return dir;
}

/**
 * What `posix.normalize` would change or resolve (a backslash, "//", a "." or ".." segment), tested without it:
 * it ran twice for each of a layer's thousands of entries and was most of the time spent laying wheels out.
 */
const NOT_NORMAL = /\\|\/\/|(^|\/)\.\.?(\/|$)/;
/** Of those, the ones that leave the folder: a ".." segment (a backslash one included, as Windows reads it). */
const PARENT = /(^|[\\/])\.\.([\\/]|$)/;

/**
 * The install path of a wheel entry, relative to python/, or undefined when it is not installed (folders,
 * scripts, headers, data, and the wheel's own RECORD, which is rewritten). A path that would leave the
 * folder (absolute, or with "..") fails the build: a wheel is untrusted input.
 */
export function installPath(name: string, distInfo: string, wheel: string): string | undefined {
  if (name.endsWith('/')) return undefined;
  if (name === `${distInfo}/RECORD`) return undefined;
  const dataDir = `${distInfo.slice(0, -'.dist-info'.length)}.data/`;
  let path = name;
  if (name.startsWith(dataDir)) {
    const m = /^(purelib|platlib)\/(.+)$/.exec(name.slice(dataDir.length));
    if (!m) return undefined;
    path = m[2];
  }
  if (PARENT.test(path) || path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    throw new UserError(
      l10n.t('{0} is not a valid wheel: it holds a file outside its install folder ({1}).', wheel, name),
    );
  }
  // pip writes "a\b" as one file name on Linux and "a/./b" as "a/b"; the zip would read differently elsewhere.
  if (NOT_NORMAL.test(path)) {
    throw new UserError(
      l10n.t(
        '{0} is not a valid wheel: the path {1} is not a plain "/"-separated path (it has a backslash, a "." or an empty segment).',
        wheel,
        name,
      ),
    );
  }
  return path;
}

export interface RecordInput {
  /** The wheel's RECORD text. */
  original: string;
  distInfo: string;
  /** Maps a RECORD path to its install path, undefined when that file is not installed. */
  place: (name: string) => string | undefined;
  /** The wheel's entries that are installed: those RECORD leaves out get a row without hash, as pip adds them. */
  installed: string[];
  /** Files the build adds with their content (INSTALLER, REQUESTED): hashed rows. */
  generated: { path: string; data: Buffer }[];
  /** Bytecode the build adds: rows without hash and size, as pip writes them. */
  bytecode: string[];
}

/** RECORD as pip writes it after an install: sorted rows, CRLF line ends, RECORD's own row without hash. */
export function rewriteRecord(input: RecordInput): string {
  const rows: string[][] = [];
  const listed = new Set<string>();
  for (const line of input.original.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const [name, hash = '', size = ''] = csvFields(line);
    listed.add(name);
    if (name === `${input.distInfo}/RECORD`) continue;
    const path = input.place(name);
    if (path !== undefined) rows.push([path, hash, size]);
  }
  for (const name of input.installed) {
    const path = listed.has(name) ? undefined : input.place(name);
    if (path !== undefined) rows.push([path, '', '']);
  }
  for (const g of input.generated)
    rows.push([g.path, `sha256=${createHash('sha256').update(g.data).digest('base64url')}`, String(g.data.length)]);
  for (const p of input.bytecode) rows.push([p, '', '']);
  rows.push([`${input.distInfo}/RECORD`, '', '']);
  rows.sort((a, b) => compareRows(a, b));
  return rows.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

function compareRows(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
