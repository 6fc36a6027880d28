import * as l10n from '@vscode/l10n';
import { UserError } from '../util/errors';
import { pythonCommands, showCommand, type PythonCommand } from '../util/pythonCommands';
import { runProcess } from './processes';

export interface PythonInfo {
  /** As configured or found, e.g. `py -3` (may be a shim such as pyenv's). */
  path: string;
  /** sys.executable: the real interpreter, started directly afterwards (a pyenv shim costs ~0.3 s a start). */
  executable: string;
  major: number;
  minor: number;
  /** undefined when pip is not importable. */
  pipVersion?: string;
  /** Its bytecode identity: cache tag and magic number ("cpython-311-a70d0d0a"), the bytecode cache's key. */
  bytecodeKey?: string;
}

/** What a build may start: the configured interpreter, else the platform's usual commands for Python 3. */
export function buildPythonCommands(configured: string | undefined, platform: NodeJS.Platform): PythonCommand[] {
  return configured ? [[configured]] : pythonCommands(platform);
}

const PROBE = [
  'import sys',
  'print(sys.version_info[0], sys.version_info[1])',
  'print(sys.executable)',
  // Asked here rather than when compiling: one interpreter start less per build.
  'try:\n    import importlib.util\n    print(sys.implementation.cache_tag + "-" + importlib.util.MAGIC_NUMBER.hex())\nexcept Exception:\n    print("-")',
  'try:\n    import pip\n    print(pip.__version__)\nexcept Exception:\n    print("-")',
].join('\n');

/**
 * The first of `commands` that starts Python 3, with its version and whether pip is there (one short
 * process each). A command that is missing or not Python 3 passes to the next; none: a `UserError`.
 */
export async function probePython(
  commands: readonly PythonCommand[],
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<PythonInfo> {
  const shown = commands.map(showCommand).join('", "');
  let detail: string | undefined;
  for (const command of commands) {
    const found = await probeOne(command, env, signal);
    if (typeof found !== 'string') return found;
    detail ??= found || undefined;
  }
  throw noPython(shown, detail);
}

/** The interpreter's answer, or why it is not a usable Python 3 ('' when the command does not exist). */
async function probeOne(
  command: PythonCommand,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<PythonInfo | string> {
  const [program, ...leading] = command;
  let result;
  try {
    result = await runProcess(program, [...leading, '-c', PROBE], { env, signal });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') return '';
    throw e;
  }
  const m = /^(\d+) (\d+)\r?\n(.*)\r?\n(\S+)\r?\n(\S+)$/.exec(result.output.trim());
  if (result.code !== 0 || !m) return result.output.trim();
  const path = showCommand(command);
  const info: PythonInfo = { path, executable: m[3].trim() || program, major: Number(m[1]), minor: Number(m[2]) };
  if (info.major !== 3) return `Python ${info.major}.${info.minor}`;
  if (m[4] !== '-') info.bytecodeKey = m[4];
  if (m[5] !== '-') info.pipVersion = m[5];
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

/** pip's `--report` format is stable ("version": "1") since pip 23.0. */
export function hasStableReport(pipVersion: string | undefined): boolean {
  const m = /^(\d+)\./.exec(pipVersion ?? '');
  return !!m && Number(m[1]) >= 23;
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
