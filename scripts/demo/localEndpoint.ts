// The demo's own local Lambda endpoint, with a function to attach layers to: without one the tutorial
// (build → publish → attach → invoke) stops at "attach".
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import type { Log } from '../../src/util/log';
import { TEST_ROLE, createActiveFunction, lambdaClient, makeZip } from '../../test/helpers/sandbox';

export const DEMO_FUNCTION = 'demo-fn';

/**
 * Runs in this process, so it lives exactly as long as the demo; its data persists in `dataDir`. Its keys
 * are generated per run: the demo hands them to the window it opens (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
 */
export async function startLocalEndpoint(dataDir: string, port: number, logFile: string): Promise<Sandbox> {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const write = (level: string) => (m: unknown) =>
    fs.appendFileSync(logFile, `${new Date().toISOString()} ${level} ${m instanceof Error ? m.message : String(m)}\n`);
  const log: Log = { trace() {}, debug() {}, info: write('info'), warn: write('warn'), error: write('error') };
  return startSandbox({ dataDir, port, log });
}

/**
 * Creates demo-fn (python3.12, handler.handler, the workspace's handler.py) unless it exists: a restart keeps
 * what the user did to it (attached layers, new code).
 */
export async function seedDemoFunction(endpoint: Sandbox, handlerFile: string): Promise<'created' | 'kept'> {
  const lambda = lambdaClient(endpoint);
  try {
    if (await exists(lambda, DEMO_FUNCTION)) return 'kept';
    const code = makeZip([{ name: 'handler.py', data: fs.readFileSync(handlerFile) }]);
    await createActiveFunction(lambda, {
      FunctionName: DEMO_FUNCTION,
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'handler.handler',
      Code: { ZipFile: code },
    });
    return 'created';
  } finally {
    lambda.destroy();
  }
}

async function exists(lambda: LambdaClient, name: string): Promise<boolean> {
  try {
    await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    return true;
  } catch (e) {
    if ((e as { name?: string }).name === 'ResourceNotFoundException') return false;
    throw e;
  }
}
