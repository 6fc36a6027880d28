import { execFile } from 'node:child_process';
import { pythonCommands, showCommand, type PythonCommand } from '../../util/pythonCommands';

export interface PythonInterpreter {
  /** Absolute path of the real executable (not a pyenv-style shim), so each invoke spawns it directly. */
  executable: string;
  /** e.g. "3.11.7" */
  version: string;
  /** e.g. "3.11" */
  minor: string;
  /** sys.base_prefix: the installation a sandboxed handler must see (its standard library). */
  prefix: string;
}

const probes = new Map<string, Promise<PythonInterpreter | undefined>>();

/** The `3.X` a runtime name like `python3.12` stands for, or undefined for non-Python runtimes. */
export function runtimePythonVersion(runtime: string): string | undefined {
  return /^python(3\.\d+)$/.exec(runtime)?.[1];
}

function probe(command: PythonCommand): Promise<PythonInterpreter | undefined> {
  const key = showCommand(command);
  let p = probes.get(key);
  if (!p) {
    p = new Promise((resolve) => {
      const script =
        'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3]); print(sys.base_prefix)';
      const [program, ...leading] = command;
      execFile(program, [...leading, '-I', '-c', script], { timeout: 10_000 }, (err, stdout) => {
        const [executable, version, prefix] = stdout.trim().split(/\r?\n/);
        if (err || !executable || !prefix || !/^\d+\.\d+\.\d+$/.test(version ?? '')) return resolve(undefined);
        resolve({ executable, version, minor: version.split('.').slice(0, 2).join('.'), prefix });
      });
    });
    probes.set(key, p);
  }
  return p;
}

/**
 * The interpreter for a runtime: the first of the platform's commands (`python3.X`, `python3`; on Windows
 * `py -3.X`, `python.exe`, `python3.exe`) that is that exact version, else the first Python 3 found (then the
 * caller reports the version mismatch). Throws when no Python 3 is available.
 */
export async function resolvePython(
  runtime: string,
  platform: NodeJS.Platform = process.platform,
): Promise<PythonInterpreter> {
  const wanted = runtimePythonVersion(runtime);
  if (!wanted) throw new Error(`${runtime} is not a Python runtime; only python3.x functions can run locally`);
  const commands = pythonCommands(platform, wanted);
  const found = (await Promise.all(commands.map(probe))).filter(
    (p): p is PythonInterpreter => p?.minor.startsWith('3.') ?? false,
  );
  const python = found.find((p) => p.minor === wanted) ?? found[0];
  if (!python)
    throw new Error(
      `Python 3 was not found (tried ${commands.map(showCommand).join(', ')}); install Python 3 to run functions locally`,
    );
  return python;
}

/** A sentence for the log when the local interpreter is not the runtime's minor version. */
export function pythonMismatch(runtime: string, python: PythonInterpreter): string | undefined {
  const wanted = runtimePythonVersion(runtime);
  return wanted && wanted !== python.minor
    ? `function runtime is ${runtime} but it ran with local Python ${python.version}; compiled extensions and version-specific behaviour may differ`
    : undefined;
}
