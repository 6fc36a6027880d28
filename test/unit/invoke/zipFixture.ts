import { createWriteStream } from 'node:fs';
import archiver from 'archiver';

/** Writes a zip holding the given files (path → content); for tests that need a layer zip. */
export async function writeZip(path: string, files: Record<string, string | Buffer>): Promise<void> {
  const archive = archiver('zip');
  const out = createWriteStream(path);
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    archive.on('error', reject);
  });
  archive.pipe(out);
  for (const [name, content] of Object.entries(files)) archive.append(content, { name });
  await archive.finalize();
  await closed;
}
