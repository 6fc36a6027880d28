import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { handlerZip, makeZip } from '../../helpers/sandbox';

/** Writes a small Python layer zip whose content (and so CodeSha256) differs by `tag`. */
export function layerZip(path: string, tag: string): Promise<void> {
  return fs.writeFile(
    path,
    makeZip([{ name: `python/${tag.replace(/\W/g, '_')}.py`, data: `TAG = ${JSON.stringify(tag)}\n` }]),
  );
}

/** Writes a stored (uncompressed) zip of `bytes` random bytes: incompressible, so the zip is that big. */
export function randomZip(path: string, bytes: number): Promise<void> {
  return fs.writeFile(path, makeZip([{ name: 'python/blob.bin', data: randomBytes(bytes) }]));
}

/** Function code returning {"ok": true} from app.handler. */
export const HANDLER_ZIP = handlerZip('def handler(event, context):\n    return {"ok": True}\n', 'app.py');
