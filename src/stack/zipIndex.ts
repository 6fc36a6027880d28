import * as yauzl from 'yauzl';
import { throwIfAborted } from '../util/errors';

/** One file of a zip as its central directory declares it (directories are left out). */
export interface ZipFile {
  /** "/"-separated path inside the zip. */
  path: string;
  /** Declared uncompressed size: what the file takes once Lambda extracts it. */
  size: number;
}

export interface ZipIndex {
  files: ZipFile[];
  /** Sum of every entry's declared uncompressed size: the figure Lambda counts against its quota. */
  unzippedBytes: number;
  /** Text of the small metadata files packages are described by (see `isMetadataFile`). */
  texts: Map<string, string>;
}

/** Metadata larger than this is not metadata; it is skipped rather than read into memory. */
const MAX_TEXT_BYTES = 16 * 1024 * 1024;

/** `*.dist-info/{METADATA,RECORD,top_level.txt}` (Python) and `node_modules/[@scope/]name/package.json` (Node.js). */
function isMetadataFile(path: string): boolean {
  return (
    /\.dist-info\/(METADATA|RECORD|top_level\.txt)$/.test(path) ||
    /(^|\/)node_modules\/(@[^/]+\/)?[^/@]+\/package\.json$/.test(path)
  );
}

/**
 * Lists a zip from its central directory (nothing is extracted) and reads the metadata files packages are
 * described by. The zip may be anyone's (a public layer): names are taken as plain strings, never as paths.
 */
export async function readZipIndex(zipPath: string, signal?: AbortSignal): Promise<ZipIndex> {
  const zip = await openZip(zipPath);
  const index: ZipIndex = { files: [], unzippedBytes: 0, texts: new Map() };
  try {
    for await (const entry of zip.eachEntry()) {
      throwIfAborted(signal);
      index.unzippedBytes += entry.uncompressedSize;
      const path = entry.fileName.replace(/\\/g, '/');
      if (path.endsWith('/')) continue;
      index.files.push({ path, size: entry.uncompressedSize });
      if (isMetadataFile(path) && entry.uncompressedSize <= MAX_TEXT_BYTES)
        index.texts.set(path, await readEntryText(zip, entry));
    }
  } finally {
    zip.close();
  }
  return index;
}

/** The bytes of one file of a zip (for the read-only layer file system); undefined when the zip has no such file. */
export async function readZipFile(zipPath: string, path: string, maxBytes: number): Promise<Buffer | undefined> {
  const zip = await openZip(zipPath);
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.replace(/\\/g, '/') !== path) continue;
      if (entry.uncompressedSize > maxBytes)
        throw new RangeError(`${path} is ${entry.uncompressedSize} bytes, more than ${maxBytes}`);
      return await readEntry(zip, entry);
    }
    return undefined;
  } finally {
    zip.close();
  }
}

/**
 * Every file path of a zip, and the text of the files `want` picks by path and declared size (source code read
 * without extracting it, e.g. a function's ES modules).
 */
export async function readZipTexts(
  zipPath: string,
  want: (path: string, size: number) => boolean,
  signal?: AbortSignal,
): Promise<{ paths: string[]; texts: Map<string, string> }> {
  const zip = await openZip(zipPath);
  const paths: string[] = [];
  const texts = new Map<string, string>();
  try {
    for await (const entry of zip.eachEntry()) {
      throwIfAborted(signal);
      const path = entry.fileName.replace(/\\/g, '/');
      if (path.endsWith('/')) continue;
      paths.push(path);
      if (entry.uncompressedSize <= MAX_TEXT_BYTES && want(path, entry.uncompressedSize))
        texts.set(path, await readEntryText(zip, entry));
    }
  } finally {
    zip.close();
  }
  return { paths, texts };
}

function openZip(zipPath: string): Promise<yauzl.ZipFile> {
  return yauzl.openPromise(zipPath, {
    lazyEntries: true,
    autoClose: false,
    strictFileNames: false,
    validateEntrySizes: true,
  });
}

async function readEntryText(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  return (await readEntry(zip, entry)).toString('utf8');
}

async function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
