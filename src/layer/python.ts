import * as l10n from '@vscode/l10n';
import { UserError } from '../util/errors';
import { runProcess } from './processes';

export interface PythonInfo {
  /** As configured (may be a shim such as pyenv's). */
  path: string;
  /** sys.executable: the real interpreter, started directly afterwards (a pyenv shim costs ~0.3 s a start). */
  executable: string;
  major: number;
  minor: number;
  /** undefined when pip is not importable. */
  pipVersion?: string;
}

export function defaultPythonPath(): string {
  return process.platform === 'win32' ? 'python' : 'python3';
}

const PROBE = [
  'import sys',
  'print(sys.version_info[0], sys.version_info[1])',
  'print(sys.executable)',
  'try:\n    import pip\n    print(pip.__version__)\nexcept Exception:\n    print("-")',
].join('\n');

/** Asks the interpreter for its version and whether pip is there: one short process. */
export async function probePython(pythonPath: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<PythonInfo> {
  let result;
  try {
    result = await runProcess(pythonPath, ['-c', PROBE], { env, signal });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') throw noPython(pythonPath);
    throw e;
  }
  const m = /^(\d+) (\d+)\r?\n(.*)\r?\n(\S+)$/.exec(result.output.trim());
  if (result.code !== 0 || !m) throw noPython(pythonPath, result.output.trim());
  const info: PythonInfo = { path: pythonPath, executable: m[3] || pythonPath, major: Number(m[1]), minor: Number(m[2]) };
  if (info.major !== 3) throw noPython(pythonPath, `Python ${info.major}.${info.minor}`);
  if (m[4] !== '-') info.pipVersion = m[4];
  return info;
}

export function requirePip(info: PythonInfo): void {
  if (info.pipVersion) return;
  throw new UserError(
    l10n.t(
      'pip is not available for {0} (Python {1}.{2}). Install it with "{0} -m ensurepip --upgrade" or choose another interpreter in the settings.',
      info.path,
      info.major,
      info.minor,
    ),
  );
}

function noPython(path: string, detail?: string): UserError {
  return new UserError(
    l10n.t(
      'Python 3 was not found at "{0}". Install Python 3 (any recent version; the layer targets the runtime you chose) or set the Python path in the settings.',
      path,
    ),
    detail,
  );
}
