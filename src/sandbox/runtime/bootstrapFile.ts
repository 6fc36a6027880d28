import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/fsAtomic';
import '../../util/pythonText';
import '../../util/scriptText';
import BOOTSTRAP_JS from './bootstrap.cjs';
import BOOTSTRAP_PY from './bootstrap.py';

const written = new Map<string, Promise<string>>();

/**
 * Writes a runtime's bootstrap once per content version into the temp folder, under the name tracebacks are
 * trimmed by: `bootstrap.py` for Python, `bootstrap.cjs` for Node.js.
 */
export function bootstrapFile(language: 'python' | 'node'): Promise<string> {
  const [name, text] = language === 'python' ? ['bootstrap.py', BOOTSTRAP_PY] : ['bootstrap.cjs', BOOTSTRAP_JS];
  let path = written.get(name);
  if (!path) {
    path = (async () => {
      const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
      const file = join(tmpdir(), `lambda-layers-sandbox-${process.getuid?.() ?? 'user'}`, digest, name);
      const current = await fs.readFile(file, 'utf8').catch(() => undefined);
      if (current !== text) await writeFileAtomic(file, text);
      return file;
    })();
    written.set(name, path);
  }
  return path;
}
