import { dirname } from 'node:path';
import { bootstrapFile } from './bootstrapFile';
import type { VisiblePaths } from './launch';
import { lambdaNodePath, nodeFlags, nodeMismatch, resolveNode, runtimeNodeMajor, withMovedStdio } from './node';
import { pythonMismatch, resolvePython, runtimePythonVersion } from './python';

/** The languages the endpoint runs; everything else (pool, isolation, memory, log, REPORT, channel) is shared. */
export type Language = 'python' | 'node';

export function runtimeLanguage(runtime: string | undefined): Language | undefined {
  if (!runtime) return undefined;
  if (runtimePythonVersion(runtime)) return 'python';
  if (runtimeNodeMajor(runtime) !== undefined) return 'node';
  return undefined;
}

/** How one language's environments start: its interpreter, its bootstrap and what it adds to the environment. */
export interface RuntimeLauncher {
  /** "Python" or "Node.js": the INIT_START line and REPORT's "Local …" field. */
  label: string;
  /** The local interpreter's version, e.g. "3.12.1" or "20.20.2". */
  version: string;
  /** The INIT_START line's runtime version, e.g. `local-python:3.12.1`, `local-nodejs:20.20.2`. */
  runtimeVersion: string;
  /** Set when the local interpreter is not the runtime's version: said in the log and the REPORT line. */
  mismatch?: string;
  /** The bootstrap written to disk; its folder plays /var/runtime. */
  bootstrapFile: string;
  /** Folders of the interpreter's installation a sandboxed process must see, bound at their own paths. */
  installDirs: string[];
  /** The interpreter's own folder, first on a sandboxed PATH. */
  binDir: string;
  /** The command line, given the bootstrap's path as the process sees it. */
  command(bootstrap: string): string[];
  /** Fields of the init record besides `marker`, given the folders as the handler sees them. */
  init(visible: VisiblePaths): Record<string, unknown>;
  /** Variables the runtime sets that the function's own Environment may override (NODE_PATH). */
  defaults(visible: VisiblePaths, platform: NodeJS.Platform): Record<string, string>;
}

/** The runtime cannot run on this machine (no launcher, or its interpreter is missing); the message says what to do. */
export class RuntimeUnavailableError extends Error {}

/** The launcher for a runtime; throws RuntimeUnavailableError, saying what to install, when its interpreter is missing. */
export async function runtimeLauncher(
  runtime: string,
  userEnv: Record<string, string> = {},
  platform: NodeJS.Platform = process.platform,
): Promise<RuntimeLauncher> {
  const language = runtimeLanguage(runtime);
  if (language === 'node') {
    const node = await resolveNode(runtime, platform).catch(unavailable);
    const flags = nodeFlags(runtime, node.flags, userEnv.NODE_OPTIONS);
    const bin = dirname(node.executable);
    return {
      label: 'Node.js',
      version: node.version,
      runtimeVersion: `local-nodejs:${node.version}`,
      mismatch: nodeMismatch(runtime, node),
      bootstrapFile: await bootstrapFile('node'),
      installDirs: [...new Set([dirname(bin), bin])],
      binDir: bin,
      command: (bootstrap) => withMovedStdio(platform, [node.executable, ...flags, bootstrap]),
      init: (visible) => ({
        nodeMajor: runtimeNodeMajor(runtime),
        // Outside bubblewrap /opt and /var/task are other folders: the bootstrap maps imports of those paths.
        mounts: [
          ['/opt', visible.opt],
          ['/var/task', visible.task],
        ],
      }),
      defaults: (visible, platform) => ({ NODE_PATH: lambdaNodePath(runtime, visible, platform) }),
    };
  }
  if (language !== 'python')
    throw new RuntimeUnavailableError(
      `${runtime} functions cannot run locally: only python3.x and nodejsNN.x functions can`,
    );
  const python = await resolvePython(runtime).catch(unavailable);
  return {
    label: 'Python',
    version: python.version,
    runtimeVersion: `local-python:${python.version}`,
    mismatch: pythonMismatch(runtime, python),
    bootstrapFile: await bootstrapFile('python'),
    installDirs: [...new Set([python.prefix, dirname(python.executable)])],
    binDir: dirname(python.executable),
    command: (bootstrap) => [python.executable, '-I', '-S', '-B', '-u', bootstrap],
    init: (visible) => ({ optDir: visible.opt, runtimePython: runtimePythonVersion(runtime) ?? python.minor }),
    defaults: () => ({}),
  };
}

function unavailable(e: unknown): never {
  throw new RuntimeUnavailableError(e instanceof Error ? e.message : String(e));
}
