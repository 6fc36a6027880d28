import { randomBytes } from 'node:crypto';
import { posix, win32 } from 'node:path';
import type { VisiblePaths } from './launch';

export interface LambdaEnvInput {
  /** /var/task, /opt and /var/runtime as the handler sees them. */
  paths: VisiblePaths;
  handler: string;
  runtime: string;
  memoryMb: number;
  functionName: string;
  region: string;
  /** The published version the environment runs; default $LATEST. */
  version?: string;
  userEnv?: Record<string, string>;
  /** Variables the language's runtime sets unless the function sets them (Node.js: NODE_PATH). */
  runtimeDefaults?: Record<string, string>;
  /** Where the endpoint runs: Windows paths, the PATH separator and what Python needs there to start. */
  platform: NodeJS.Platform;
  /** The endpoint's own environment, read only for the few variables an interpreter cannot start without. */
  hostEnv?: NodeJS.ProcessEnv;
}

/** Variables the runtime owns: the function's own Environment cannot replace them (Lambda rejects them as reserved). */
function reserved(i: LambdaEnvInput): Record<string, string> {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  const version = i.version ?? '$LATEST';
  return {
    _HANDLER: i.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${i.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: i.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(i.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: version,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${i.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[${version}]${randomBytes(16).toString('hex')}`,
    AWS_REGION: i.region,
    AWS_DEFAULT_REGION: i.region,
    LAMBDA_TASK_ROOT: i.paths.task,
    LAMBDA_RUNTIME_DIR: i.paths.runtime,
  };
}

/**
 * The environment of a Lambda function. Only the folders the handler sees appear in it (inside
 * bubblewrap Lambda's own /var/task and /opt, never a path of the endpoint's data folder).
 * Built from scratch (the host's variables do not leak in); PATH is the visible system path, then /opt/bin.
 */
export function lambdaEnv(i: LambdaEnvInput): Record<string, string> {
  const path = i.platform === 'win32' ? win32 : posix;
  return {
    PATH: [i.paths.systemPath, path.join(i.paths.opt, 'bin')].join(path.delimiter),
    ...(i.platform === 'win32'
      ? windowsEssentials(i.hostEnv ?? {})
      : { LD_LIBRARY_PATH: [i.paths.task, path.join(i.paths.task, 'lib'), path.join(i.paths.opt, 'lib')].join(':') }),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    ...i.runtimeDefaults,
    ...i.userEnv,
    ...reserved(i),
  };
}

/** Python on Windows cannot start without SYSTEMROOT (its random seed and sockets need it). */
function windowsEssentials(host: NodeJS.ProcessEnv): Record<string, string> {
  const root = host.SYSTEMROOT ?? host.SystemRoot;
  return root ? { SYSTEMROOT: root } : {};
}
