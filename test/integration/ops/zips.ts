import archiver from 'archiver';
import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** Writes a zip of the given entries; `store` skips compression (for incompressible payloads). */
export async function writeZip(path: string, entries: { name: string; data: Buffer | string }[], store = false): Promise<void> {
  const archive = archiver('zip', store ? { store: true } : { zlib: { level: 6 } });
  const out = createWriteStream(path);
  const finished = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    archive.on('error', reject);
    out.on('error', reject);
  });
  archive.pipe(out);
  for (const e of entries) archive.append(e.data, { name: e.name, date: new Date('2020-01-01T00:00:00Z'), mode: 0o644 });
  await archive.finalize();
  await finished;
}

/** A small Python layer zip whose content differs by `tag`. */
export function layerZip(path: string, tag: string): Promise<void> {
  return writeZip(path, [{ name: `python/${tag.replace(/\W/g, '_')}.py`, data: `TAG = ${JSON.stringify(tag)}\n` }]);
}

export function handlerZip(path: string): Promise<void> {
  return writeZip(path, [{ name: 'app.py', data: 'def handler(event, context):\n    return {"ok": True}\n' }]);
}

export { randomBytes };
