import { CancelledError } from '../../util/errors';
import { Environment, type EnvironmentSpec, type InvocationInput, type InvocationResult } from './environment';

export type { InvocationResult } from './environment';
export type RunPythonOptions = EnvironmentSpec & InvocationInput;

/**
 * Runs one invocation in a fresh environment and retires it: a cold start every time, and when it returns,
 * nothing it started is left. Local invoke of workspace code uses this; the endpoint keeps environments warm.
 */
export async function runPython(o: RunPythonOptions): Promise<InvocationResult> {
  if (o.signal?.aborted) throw new CancelledError();
  const environment = await Environment.start(o);
  try {
    return await environment.invoke(o);
  } finally {
    await environment.retire();
  }
}
