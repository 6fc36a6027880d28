import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { posix } from 'node:path';
import * as l10n from '@vscode/l10n';
import { DIRECT_UPLOAD_LIMIT } from '../layer/manifest';
import type { Language } from '../layer/runtimes';
import { walkTree, type StagedFile } from '../layer/scan';
import { zipToBuffer, type ZipInput } from '../layer/zip';
import { UserError } from '../util/errors';
import { formatBytes } from '../util/format';

/**
 * Folders never deployed as function code: version control, editor settings, virtualenvs, caches, and our own
 * build output (`.lambda-layers/`: layer zips and test events belong in layers and the workspace, not the code).
 * `node_modules` too, except for a Node.js function, whose dependencies it is.
 */
const EXCLUDED_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  '.bzr',
  '.vscode',
  '.idea',
  '.venv',
  'venv',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.tox',
  'node_modules',
  '.lambda-layers',
]);
const EXCLUDED_FILES = /(\.py[co]|^\.DS_Store)$/;

/** A virtualenv under any name carries pyvenv.cfg at its top. */
const VENV_MARKER = 'pyvenv.cfg';

export interface CodeFile {
  /** Path inside the zip, "/"-separated. */
  path: string;
  size: number;
}

export interface CodeZip {
  zip: Buffer;
  /** Base64 SHA-256 of the zip: what Lambda reports as the function's CodeSha256. */
  codeSha256: string;
  files: CodeFile[];
  /** Unzipped bytes of `files`. */
  totalSize: number;
  /** Top-most excluded folders and files, relative to the folder, sorted. */
  excluded: string[];
}

export interface CodeZipOptions {
  /** More folders to leave out, relative to the code folder ("/"-separated), e.g. a custom build output folder. */
  excludePaths?: readonly string[];
  /** The function's language: a Node.js function keeps its `node_modules`. Default python. */
  language?: Language;
  signal?: AbortSignal;
}

/** Whether an entry of the code folder stays out of the function's zip. */
export function isExcluded(
  rel: string,
  kind: 'dir' | 'file',
  names: readonly string[],
  extra: readonly string[] = [],
  language: Language = 'python',
): boolean {
  const base = posix.basename(rel);
  if (extra.includes(rel)) return true;
  if (kind === 'file') return EXCLUDED_FILES.test(base);
  if (base === 'node_modules' && language === 'nodejs') return false;
  return EXCLUDED_DIRS.has(base) || names.includes(VENV_MARKER);
}

/**
 * The function's code zip from a folder: every file except the exclusions, deterministically (the same
 * files give the same bytes and the same CodeSha256, so an unchanged folder is recognised without uploading).
 */
export async function buildCodeZip(folder: string, options: CodeZipOptions = {}): Promise<CodeZip> {
  // Said here, before walking: the walk's own failure is a bare ENOENT/ENOTDIR from scandir.
  const stat = await fs.stat(folder).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new UserError(
      stat
        ? l10n.t('{0} is not a folder. Give the folder that holds the function code.', folder)
        : l10n.t('The folder {0} does not exist. Give the folder that holds the function code.', folder),
    );
  }
  const excluded: string[] = [];
  const extra = (options.excludePaths ?? []).map((p) => p.replace(/\\/g, '/').replace(/\/+$/, ''));
  const tree = await walkTree(folder, options.signal, (rel, kind, names) => {
    const skip = isExcluded(rel, kind, names, extra, options.language);
    if (skip) excluded.push(kind === 'dir' ? `${rel}/` : rel);
    return skip;
  });
  if (tree.files.length === 0) {
    throw new UserError(
      l10n.t(
        'There are no files to deploy in {0} (after leaving out virtualenvs, caches and version control).',
        folder,
      ),
    );
  }
  const zip = await zipToBuffer(codeZipInputs(tree.dirs, tree.files), { signal: options.signal });
  if (zip.length > DIRECT_UPLOAD_LIMIT) {
    throw new UserError(
      l10n.t(
        'The code of {0} zips to {1}, over the {2} Lambda accepts in a direct upload. Move dependencies into a layer, or leave large files out of the folder.',
        folder,
        formatBytes(zip.length),
        formatBytes(DIRECT_UPLOAD_LIMIT),
      ),
    );
  }
  return {
    zip,
    codeSha256: createHash('sha256').update(zip).digest('base64'),
    files: tree.files.map((f) => ({ path: f.path, size: f.size })),
    totalSize: tree.totalSize,
    excluded: excluded.sort(),
  };
}

/** Every folder as an explicit entry (so it gets 0755 when extracted), then every file, at the zip's root. */
function codeZipInputs(dirs: readonly string[], files: readonly StagedFile[]): ZipInput[] {
  return [
    ...dirs.map((d) => ({ name: `${d}/` })),
    ...files.map((f) => ({ name: f.path, file: { path: f.abs, size: f.size } })),
  ];
}
