import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipToBuffer } from '../../../src/layer/zip';

/** A fresh temp folder, removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'stack-test-'));
  return { dir, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** Files of an installed distribution under `root`: the package folder, its dist-info with METADATA and RECORD. */
export function dist(
  root: string,
  name: string,
  version: string,
  body = 'x = 1\n',
  module = name,
): Record<string, string> {
  const prefix = root ? `${root}/` : '';
  const distDir = `${name}-${version}.dist-info`;
  return {
    [`${prefix}${module}/__init__.py`]: body,
    [`${prefix}${distDir}/METADATA`]: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n\nbody\n`,
    [`${prefix}${distDir}/RECORD`]: `${module}/__init__.py,,\n${distDir}/METADATA,,\n${distDir}/RECORD,,\n`,
  };
}

export async function writeZip(path: string, files: Record<string, string | Buffer>): Promise<string> {
  await fs.writeFile(
    path,
    await zipToBuffer(Object.entries(files).map(([name, content]) => ({ name, data: Buffer.from(content) }))),
  );
  return path;
}

/** The sum of the file contents' lengths: what the zip's central directory must declare. */
export function bytesOf(files: Record<string, string | Buffer>): number {
  return Object.values(files).reduce((s, c) => s + Buffer.byteLength(c), 0);
}
