import { writeFile } from 'node:fs/promises';
import { zipToBuffer } from '../../../src/layer/zip';

/** Writes a zip holding the given files (path → content); for tests that need a layer zip. */
export async function writeZip(path: string, files: Record<string, string | Buffer>): Promise<void> {
  await writeFile(
    path,
    await zipToBuffer(Object.entries(files).map(([name, content]) => ({ name, data: Buffer.from(content) }))),
  );
}
