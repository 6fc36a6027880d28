// An offline package index for layer builds inside the extension host: a folder of generated wheels and the
// pip environment (passed to code-server, so to the extension host) that makes pip install only from it.
import * as os from 'node:os';
import * as path from 'node:path';
import { makeWheelhouse, type WheelSpec } from '../../fixtures/wheels';

/** What requirements files in tests and flows may list; the demo workspace's requirements.txt lists flask. */
export const TEST_WHEELS: WheelSpec[] = [
  { name: 'flask', version: '3.0.3', requires: ['itsdangerous>=2'] },
  { name: 'itsdangerous', version: '2.2.0' },
  // Like numpy 2.4: wheels for glibc 2.28 only, so nothing for python3.11 (glibc 2.26); python3.12 takes it.
  { name: 'glibcnew', version: '2.4.0', tag: 'cp311-abi3-manylinux_2_28_x86_64' },
  // Tagged for x86_64 but built for aarch64: only the build's compatibility scan notices.
  {
    name: 'wrongmachine',
    version: '1.0',
    tag: 'cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64',
    native: { elf: { machine: 'aarch64' } },
  },
];

/**
 * Writes the wheels to `<root>/wheelhouse` and returns the environment for code-server: the host's own
 * PIP_* and UV_* variables removed, no pip config files, no index, find-links = the wheelhouse.
 * `LAMBDA_LAYERS_TEST_WHEELHOUSE` tells tests that builds work offline; `LAMBDA_LAYERS_STAND_IN_WHEELS` tells the
 * extension (the demo uses the same wheelhouse), so a build's summary says where its packages came from.
 */
export async function offlinePipEnvironment(root: string): Promise<Record<string, string | undefined>> {
  const dir = path.join(root, 'wheelhouse');
  await makeWheelhouse(dir, TEST_WHEELS);
  const env: Record<string, string | undefined> = {};
  for (const name of Object.keys(process.env))
    if (name.startsWith('PIP_') || name.startsWith('UV_')) env[name] = undefined;
  return {
    ...env,
    PIP_CONFIG_FILE: os.devNull,
    PIP_NO_INDEX: '1',
    PIP_FIND_LINKS: dir,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_CACHE_DIR: '1',
    LAMBDA_LAYERS_TEST_WHEELHOUSE: dir,
    LAMBDA_LAYERS_STAND_IN_WHEELS: dir,
  };
}
