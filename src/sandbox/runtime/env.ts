import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { VisiblePaths } from './launch';

export interface LambdaEnvInput {
  /** /var/task, /opt and /var/runtime as the handler sees them. */
  paths: VisiblePaths;
  handler: string;
  runtime: string;
  memoryMb: number;
  functionName: string;
  region: string;
  userEnv?: Record<string, string>;
}

/** Variables the runtime owns: the function's own Environment cannot replace them (Lambda rejects them as reserved). */
function reserved(i: LambdaEnvInput): Record<string, string> {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  return {
    _HANDLER: i.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${i.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: i.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(i.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${i.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_REGION: i.region,
    AWS_DEFAULT_REGION: i.region,
    LAMBDA_TASK_ROOT: i.paths.task,
    LAMBDA_RUNTIME_DIR: i.paths.runtime,
  };
}

/**
 * The environment of a Lambda Python function. Only the folders the handler sees appear in it (inside
 * bubblewrap Lambda's own /var/task and /opt, never a path of the endpoint's data folder).
 * Built from scratch (the host's variables do not leak in); PATH is the visible system path, then /opt/bin.
 */
export function lambdaEnv(i: LambdaEnvInput): Record<string, string> {
  return {
    PATH: `${i.paths.systemPath}:${join(i.paths.opt, 'bin')}`,
    LD_LIBRARY_PATH: [i.paths.task, join(i.paths.task, 'lib'), join(i.paths.opt, 'lib')].join(':'),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    ...i.userEnv,
    ...reserved(i),
  };
}
