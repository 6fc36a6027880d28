import { execFile } from 'node:child_process';

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

function probe(command: string): Promise<PythonInterpreter | undefined> {
  let p = probes.get(command);
  if (!p) {
    p = new Promise((resolve) => {
      const script = 'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3]); print(sys.base_prefix)';
      execFile(command, ['-I', '-c', script], { timeout: 10_000 }, (err, stdout) => {
        const [executable, version, prefix] = stdout.trim().split('\n');
        if (err || !executable || !prefix || !/^\d+\.\d+\.\d+$/.test(version ?? '')) return resolve(undefined);
        resolve({ executable, version, minor: version.split('.').slice(0, 2).join('.'), prefix });
      });
    });
    probes.set(command, p);
  }
  return p;
}

/**
 * The interpreter for a runtime: `python3.X` when this machine has that exact one, else `python3`
 * (then the caller reports the version mismatch). Throws when no Python 3 is available.
 */
export async function resolvePython(runtime: string): Promise<PythonInterpreter> {
  const wanted = runtimePythonVersion(runtime);
  if (!wanted) throw new Error(`${runtime} is not a Python runtime; only python3.x functions can run locally`);
  const [exact, fallback] = await Promise.all([probe(`python${wanted}`), probe('python3')]);
  if (exact && exact.minor === wanted) return exact;
  if (!fallback) throw new Error('python3 was not found on PATH; install Python 3 to run functions locally');
  return fallback;
}

/** A sentence for the log when the local interpreter is not the runtime's minor version. */
export function pythonMismatch(runtime: string, python: PythonInterpreter): string | undefined {
  const wanted = runtimePythonVersion(runtime);
  return wanted && wanted !== python.minor
    ? `function runtime is ${runtime} but it ran with local Python ${python.version}; compiled extensions and version-specific behaviour may differ`
    : undefined;
}
