import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaGateway } from '../../../src/aws/types';

/** A function folder with `lambda_function.py` returning `value`, plus things a deploy must leave out. */
export async function functionFolder(value: string): Promise<string> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'deploy-fn-'));
  await writeHandler(dir, value);
  await fs.mkdir(join(dir, '__pycache__'));
  await fs.writeFile(join(dir, '__pycache__', 'lambda_function.cpython-312.pyc'), 'stale bytecode');
  await fs.mkdir(join(dir, '.venv'));
  await fs.writeFile(join(dir, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\n');
  return dir;
}

export function writeHandler(dir: string, value: string): Promise<void> {
  const source = `def lambda_handler(event, context):\n    return {"value": ${JSON.stringify(value)}, "event": event}\n`;
  return fs.writeFile(join(dir, 'lambda_function.py'), source);
}

/**
 * The gateway with a count of every call by method, and an optional hook that runs before a method is
 * forwarded (a test's concurrent writer slips in there).
 */
export function spyGateway(
  inner: LambdaGateway,
  before: Partial<Record<keyof LambdaGateway, () => Promise<void>>> = {},
): { gateway: LambdaGateway; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const gateway = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const call = (args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args);
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        const hook = before[prop as keyof LambdaGateway];
        return hook ? hook().then(() => call(args)) : call(args);
      };
    },
  });
  return { gateway, calls };
}
