import { execFile } from 'node:child_process';
import { posix, win32 } from 'node:path';

export interface NodeInterpreter {
  /** Absolute path of the real executable (process.execPath of `node` on PATH). */
  executable: string;
  /** e.g. "20.20.2" */
  version: string;
  major: number;
  /** Which of Lambda's disabling flags this node accepts (older ones refuse unknown flags). */
  flags: string[];
}

/** Flags Lambda adds per runtime to turn off upstream experimental features (lambda-nodejs.html). */
const LAMBDA_FLAGS: Array<{ flag: string; majors: number[]; positive: string }> = [
  { flag: '--no-experimental-require-module', majors: [20, 22], positive: '--experimental-require-module' },
  { flag: '--no-experimental-detect-module', majors: [22], positive: '--experimental-detect-module' },
];

/** The Node major a runtime like `nodejs22.x` stands for, or undefined for other runtimes. */
export function runtimeNodeMajor(runtime: string): number | undefined {
  const m = /^nodejs(\d+)\.x$/.exec(runtime);
  return m ? Number(m[1]) : undefined;
}

/** The command that starts Node on a platform: `node` on PATH (inside VS Code process.execPath is the editor). */
export const nodeCommand = (platform: NodeJS.Platform) => (platform === 'win32' ? 'node.exe' : 'node');

let probed: Promise<NodeInterpreter | undefined> | undefined;

function probe(platform: NodeJS.Platform): Promise<NodeInterpreter | undefined> {
  probed ??= new Promise((resolve) => {
    const flags = LAMBDA_FLAGS.map((f) => f.flag);
    const script = `console.log(JSON.stringify({ executable: process.execPath, version: process.versions.node, flags: ${JSON.stringify(flags)}.filter((f) => process.allowedNodeEnvironmentFlags.has(f)) }))`;
    execFile(nodeCommand(platform), ['-e', script], { timeout: 10_000, windowsHide: true }, (err, stdout) => {
      try {
        const found = JSON.parse(String(stdout)) as Omit<NodeInterpreter, 'major'>;
        if (err || !/^\d+\.\d+\.\d+$/.test(found.version)) return resolve(undefined);
        resolve({ ...found, major: Number(found.version.split('.')[0]) });
      } catch {
        resolve(undefined);
      }
    });
  });
  return probed;
}

/** This machine's Node for a nodejs runtime; throws, saying what to install, when there is none. */
export async function resolveNode(
  runtime: string,
  platform: NodeJS.Platform = process.platform,
): Promise<NodeInterpreter> {
  const major = runtimeNodeMajor(runtime);
  if (major === undefined) throw new Error(`${runtime} is not a Node.js runtime`);
  const node = await probe(platform);
  if (!node)
    throw new Error(
      `Node.js was not found (tried \`${nodeCommand(platform)}\` on PATH); install Node.js ${major} to run ${runtime} functions locally`,
    );
  return node;
}

/** A sentence for the log when the local Node is not the runtime's major version (it still runs). */
export function nodeMismatch(runtime: string, node: Pick<NodeInterpreter, 'version' | 'major'>): string | undefined {
  const wanted = runtimeNodeMajor(runtime);
  if (wanted === undefined || wanted === node.major) return undefined;
  const older =
    node.major < wanted
      ? `; ${runtime} needs Node.js ${wanted}, so newer language features and APIs may be missing here`
      : '; behaviour of newer Node.js versions may differ';
  return `function runtime is ${runtime} but it ran with local Node.js ${node.version}${older}`;
}

/** Lambda's disabling flags for a runtime that this node accepts, unless NODE_OPTIONS turns the feature back on. */
export function nodeFlags(runtime: string, accepted: string[], nodeOptions = ''): string[] {
  const major = runtimeNodeMajor(runtime);
  return LAMBDA_FLAGS.filter(
    (f) =>
      major !== undefined && f.majors.includes(major) && accepted.includes(f.flag) && !nodeOptions.includes(f.positive),
  ).map((f) => f.flag);
}

/**
 * NODE_PATH as Lambda's bootstrap sets it, with /opt, /var/runtime and /var/task as the handler sees them:
 * `/opt/nodejs/nodeNN/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`.
 */
export function lambdaNodePath(
  runtime: string,
  paths: { opt: string; runtime: string; task: string },
  platform: NodeJS.Platform,
): string {
  const path = platform === 'win32' ? win32 : posix;
  const major = runtimeNodeMajor(runtime);
  return [
    ...(major === undefined ? [] : [path.join(paths.opt, 'nodejs', `node${major}`, 'node_modules')]),
    path.join(paths.opt, 'nodejs', 'node_modules'),
    path.join(paths.runtime, 'node_modules'),
    paths.runtime,
    paths.task,
  ].join(path.delimiter);
}

/**
 * Where a shell exists (not Windows), the command that first moves the three pipes to 3 (requests), 4 (channel)
 * and 5 (log), points stdin at /dev/null and stdout at the log, then runs `command` telling the bootstrap the
 * numbers. Node cannot duplicate descriptors itself, and the pipes it is given are sockets that cannot be reopened.
 */
export function withMovedStdio(platform: NodeJS.Platform, command: string[]): string[] {
  if (platform === 'win32') return command;
  const script = 'exec 3<&0 4>&1 5>&2 0</dev/null 1>&2; exec "$@" --stdio=3,4,5';
  return ['/bin/sh', '-c', script, 'sh', ...command];
}
