// Layer builds run pip in the extension host. Where PyPI is out of reach (and pip has no other index), the demo
// gives pip the generated wheelhouse the in-VS-Code tests use, so building the demo's requirements.txt works.
import { readPipConfig } from '../../src/layer/pipConfig';
import { offlinePipEnvironment } from '../../test/vscode/lib/wheelhouse';

export interface DemoPip {
  /** Extra environment for the editor (undefined removes a variable); empty when pip is left alone. */
  env: Record<string, string | undefined>;
  /** Set when builds use the stand-in wheels. */
  notice?: string;
}

export async function demoPipEnvironment(root: string): Promise<DemoPip> {
  if ((await pipHasOwnIndex()) || (await pypiReachable())) return { env: {} };
  const env = await offlinePipEnvironment(root);
  return {
    env,
    notice: `PyPI (https://pypi.org/simple/) is unreachable: layer builds use generated stand-in wheels (flask 3.0.3, itsdangerous 2.2.0) from ${env.PIP_FIND_LINKS}.`,
  };
}

/**
 * Trust the user's setup when pip is told to use another index (a mirror) or none, or goes through a proxy
 * (which Node's fetch below would not use). Extra indexes and find-links only add to PyPI, so they do not count.
 */
async function pipHasOwnIndex(): Promise<boolean> {
  const { values } = await readPipConfig(process.env);
  const proxy = process.env.HTTPS_PROXY ?? process.env.https_proxy ?? values.proxy;
  return Boolean(values['index-url'] || values['no-index'] || proxy);
}

async function pypiReachable(): Promise<boolean> {
  try {
    await fetch('https://pypi.org/simple/', { method: 'HEAD', signal: AbortSignal.timeout(3000) });
    return true; // any answer will do: it is reachability that matters
  } catch {
    return false;
  }
}
