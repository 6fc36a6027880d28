import * as l10n from '@vscode/l10n';
import type { Log } from '../util/log';
import { runProcess } from './processes';

/** Where the layer's python/ folder ends up on Lambda; recorded in the bytecode as the source path. */
const RUNTIME_ROOT = '/opt/python';

/**
 * Compiles hash-based .pyc files (PEP 552, unchecked-hash): they stay valid although zip timestamps are
 * normalised and /opt is read-only. Only called when the host Python has the runtime's minor version.
 * PYTHONHASHSEED is fixed because frozenset constants are marshalled in hash order.
 */
export async function compileBytecode(
  pythonPath: string,
  root: string,
  env: NodeJS.ProcessEnv,
  log: Log,
  signal?: AbortSignal,
): Promise<void> {
  const args = ['-m', 'compileall', '-q', '-j', '0', '--invalidation-mode', 'unchecked-hash', '-s', root, '-p', RUNTIME_ROOT, root];
  const result = await runProcess(pythonPath, args, {
    env: { ...env, PYTHONHASHSEED: '0' },
    signal,
    onLine: (line) => log.debug(line),
  });
  // compileall exits 1 when some file does not compile (py2-only templates and the like); pip ignores those too.
  if (result.code !== 0) log.warn(l10n.t('Some files could not be compiled to bytecode; they stay source-only.'));
}
