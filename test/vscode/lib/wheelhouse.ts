// An offline package index for layer builds inside the extension host: a folder of generated wheels and the
// pip environment (passed to code-server, so to the extension host) that makes pip install only from it.
import * as os from 'node:os';
import * as path from 'node:path';
import { makeWheelhouse, type WheelSpec } from '../../fixtures/wheels';

/** What requirements files in tests and flows may list; the demo workspace's requirements.txt lists flask. */
export const TEST_WHEELS: WheelSpec[] = [
  { name: 'flask', version: '3.0.3', requires: ['itsdangerous>=2'] },
  { name: 'itsdangerous', version: '2.2.0' },
  // Tagged for x86_64 but built for aarch64: only the build's compatibility scan notices.
  { name: 'wrongmachine', version: '1.0', tag: 'cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64', native: { elf: { machine: 'aarch64' } } },
];

/**
 * Writes the wheels to `<root>/wheelhouse` and returns the environment for code-server: the host's own
 * PIP_* and UV_* variables removed, no pip config files, no index, find-links = the wheelhouse.
 * `LAMBDA_LAYERS_TEST_WHEELHOUSE` tells tests that builds work offline.
 */
export async function offlinePipEnvironment(root: string): Promise<Record<string, string | undefined>> {
  const dir = path.join(root, 'wheelhouse');
  await makeWheelhouse(dir, TEST_WHEELS);
  const env: Record<string, string | undefined> = {};
  for (const name of Object.keys(process.env)) if (name.startsWith('PIP_') || name.startsWith('UV_')) env[name] = undefined;
  return {
    ...env,
    PIP_CONFIG_FILE: os.devNull,
    PIP_NO_INDEX: '1',
    PIP_FIND_LINKS: dir,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_CACHE_DIR: '1',
    LAMBDA_LAYERS_TEST_WHEELHOUSE: dir,
  };
}
