import { promises as fs } from 'node:fs';
import type { ArchiveEntry, ZipArchive } from './archive';
import type { StagedLink, StagedTree } from './scan';
import type { PackageEntry } from './manifest';
import type { NativeFactsStore } from './nativeFacts';
import type { SlimSummary } from './slim';
import type { ZipInput } from './zip';

/**
 * What a stager hands the build: the files of the layer's package folder (python/ for Python, nodejs/ for
 * Node.js), wherever their bytes are. The scan, the manifest and the zip work on this alone, so a
 * file read from a wheel is never written to disk before it lands in the layer zip.
 */
export interface LayerFile {
  /** Relative to the package folder, "/"-separated. */
  path: string;
  size: number;
  executable?: boolean;
  source: { disk: string } | { archive: ZipArchive; entry: ArchiveEntry } | { data: Buffer };
}

export interface LayerContent {
  /** The layer's top folder: "python" or "nodejs". */
  root: string;
  files: LayerFile[];
  links: StagedLink[];
  /** Folders that must exist even when empty (every parent of a file is added anyway). */
  dirs?: string[];
}

export function readLayerFile(file: LayerFile): Promise<Buffer> {
  const s = file.source;
  if ('disk' in s) return fs.readFile(s.disk);
  if ('archive' in s) return s.archive.read(s.entry);
  return Promise.resolve(s.data);
}

/** The first `n` bytes, reading (or inflating) no more than that takes. */
export async function readLayerFileHead(file: LayerFile, n: number): Promise<Buffer> {
  const s = file.source;
  if ('archive' in s) return s.archive.head(s.entry, n);
  if ('data' in s) return s.data.subarray(0, n);
  const h = await fs.open(s.disk, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await h.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}

/** A folder tree staged on disk (source builds), as layer content. */
export function diskContent(root: string, tree: StagedTree): LayerContent {
  return {
    root,
    files: tree.files.map((f) => ({ path: f.path, size: f.size, executable: f.executable, source: { disk: f.abs } })),
    links: tree.links,
    dirs: tree.dirs,
  };
}

export function totalSize(content: LayerContent): number {
  return content.files.reduce((n, f) => n + f.size, 0);
}

/** The root and every folder as explicit entries (so they get 0755), then every file and link. */
export function layerZipInputs(content: LayerContent): ZipInput[] {
  const dirs = new Set(content.dirs ?? []);
  for (const { path } of [...content.files, ...content.links]) {
    for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) dirs.add(path.slice(0, i));
  }
  const prefix = `${content.root}/`;
  return [
    { name: prefix },
    ...[...dirs].map((d) => ({ name: `${prefix}${d}/` })),
    ...content.files.map((f) => fileInput(`${prefix}${f.path}`, f)),
    ...content.links.map((l) => ({ name: `${prefix}${l.path}`, symlink: l.target })),
  ];
}

function fileInput(name: string, f: LayerFile): ZipInput {
  const s = f.source;
  const executable = f.executable;
  if ('disk' in s) return { name, executable, file: { path: s.disk, size: f.size } };
  if ('data' in s) return { name, executable, data: s.data };
  const { archive, entry } = s;
  return {
    name,
    executable,
    raw: {
      method: entry.method,
      crc: entry.crc,
      size: entry.size,
      compressedSize: entry.compressedSize,
      read: () => archive.raw(entry),
    },
  };
}

/** What a language's stager hands the build: the layer's files, its packages and who owns each file. */
export interface StagedLayer {
  content: LayerContent;
  packages: PackageEntry[];
  /** Path inside the package folder → the package that put it there (for the compatibility report). */
  owners: Map<string, string>;
  /** Whether the content carries compiled bytecode for the runtime. */
  bytecode: boolean;
  warnings: string[];
  /** Files the runtime never loads (prebuilt binaries for other platforms): kept in the zip, not scanned. */
  scanSkips?: (path: string) => boolean;
  /** Cache files the build used (kept when the cache is trimmed). */
  cacheFiles: string[];
  /** What is already known of the files' native code (wheels seen before), for the compatibility scan. */
  nativeFacts?: NativeFactsStore;
  /** A slim build's summary (Python): what was left out, kept back and proven. */
  slim?: SlimSummary;
  /** Releases what the content reads from (open wheels); called once the zip is written. */
  close(): Promise<void>;
}
