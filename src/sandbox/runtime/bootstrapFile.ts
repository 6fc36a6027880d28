import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/fsAtomic';
import '../../util/pythonText';
import BOOTSTRAP_PY from './bootstrap.py';

let bootstrapPath: Promise<string> | undefined;

/** Writes the bootstrap once per content version into the temp folder, under the name tracebacks are trimmed by. */
export function bootstrapFile(): Promise<string> {
  bootstrapPath ??= (async () => {
    const digest = createHash('sha256').update(BOOTSTRAP_PY).digest('hex').slice(0, 12);
    const file = join(tmpdir(), `lambda-layers-sandbox-${process.getuid?.() ?? 'user'}`, digest, 'bootstrap.py');
    const current = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (current !== BOOTSTRAP_PY) await writeFileAtomic(file, BOOTSTRAP_PY);
    return file;
  })();
  return bootstrapPath;
}
