import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export interface LambdaEnvInput {
  codeDir: string;
  optDir: string;
  runtimeDir: string;
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
    LAMBDA_TASK_ROOT: i.codeDir,
    LAMBDA_RUNTIME_DIR: i.runtimeDir,
  };
}

/**
 * The environment of a Lambda Python function, with /var/task → codeDir and /opt → optDir.
 * Built from scratch (the host's variables do not leak in) except PATH, which keeps the host's
 * directories where Lambda has /var/lang/bin:/usr/local/bin:/usr/bin/:/bin, then /opt/bin.
 */
export function lambdaEnv(i: LambdaEnvInput): Record<string, string> {
  const hostPath = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  return {
    PATH: `${hostPath}:${join(i.optDir, 'bin')}`,
    LD_LIBRARY_PATH: [i.codeDir, join(i.codeDir, 'lib'), join(i.optDir, 'lib')].join(':'),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    ...i.userEnv,
    ...reserved(i),
  };
}
