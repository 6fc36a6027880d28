/** A temp workspace with a wheelhouse covering every case the build must tell apart, and a build helper. */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer, type BuildOptions, type BuildContext, type BuildResult } from '../../../src/layer/build';
import { makeWheelhouse, offlinePipEnv, type SdistSpec, type WheelSpec } from '../../fixtures/wheels';

const X64 = 'manylinux_2_17_x86_64.manylinux2014_x86_64';

export const SPECS: (WheelSpec | SdistSpec)[] = [
  { name: 'purepkg', version: '1.2.0' },
  { name: 'app', version: '0.3.0', requires: ['purepkg>=1'] },
  {
    name: 'm2014',
    version: '1.0',
    tag: `cp311-cp311-${X64}`,
    native: {
      suffix: 'cpython-311-x86_64-linux-gnu',
      elf: { versions: { 'libc.so.6': ['GLIBC_2.2.5', 'GLIBC_2.17'] } },
    },
  },
  {
    name: 'only228',
    version: '2.0',
    tag: 'cp39-abi3-manylinux_2_28_x86_64',
    native: { elf: { versions: { 'libc.so.6': ['GLIBC_2.28'] } } },
  },
  {
    name: 'dual',
    version: '1.0',
    tag: `cp39-abi3-${X64}`,
    files: { 'dual/__init__.py': '', 'dual/arch.txt': 'x86_64' },
    native: { elf: { machine: 'x86_64' } },
  },
  {
    name: 'dual',
    version: '1.0',
    tag: 'cp39-abi3-manylinux2014_aarch64',
    files: { 'dual/__init__.py': '', 'dual/arch.txt': 'aarch64' },
    native: { elf: { machine: 'aarch64' } },
  },
  { name: 'armonly', version: '1.0', tag: 'cp39-abi3-manylinux2014_aarch64', native: { elf: { machine: 'aarch64' } } },
  {
    name: 'cp311only',
    version: '1.0',
    tag: 'cp311-cp311-manylinux2014_x86_64',
    native: { suffix: 'cpython-311-x86_64-linux-gnu' },
  },
  { sdist: true, name: 'srconly', version: '0.1' },
  // Tagged manylinux2014 but linked against a newer glibc / built for another machine: only the scan can tell.
  {
    name: 'mistagged',
    version: '1.0',
    tag: `cp39-abi3-${X64}`,
    native: { elf: { versions: { 'libc.so.6': ['GLIBC_2.30'] } } },
  },
  { name: 'wrongmachine', version: '1.0', tag: `cp39-abi3-${X64}`, native: { elf: { machine: 'aarch64' } } },
];

export interface Workspace {
  dir: string;
  wheelhouse: string;
  env: NodeJS.ProcessEnv;
  /** Writes requirements (lines) to a new file and returns its path. */
  requirements(lines: string[]): Promise<string>;
  build(
    requirementsPath: string,
    runtime: string,
    arch: string,
    opts?: BuildOptions & { name?: string },
    ctx?: BuildContext,
  ): Promise<BuildResult>;
  dispose(): Promise<void>;
}

export async function workspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'll-build-it-'));
  const wheelhouse = join(dir, 'wheels');
  await makeWheelhouse(wheelhouse, SPECS);
  // Builds (in process and through the CLI) keep their wheel and bytecode cache in the workspace.
  const env = { ...offlinePipEnv(wheelhouse), XDG_CACHE_HOME: join(dir, 'cache') };
  let n = 0;
  return {
    dir,
    wheelhouse,
    env,
    async requirements(lines) {
      const path = join(dir, `req${++n}`, 'requirements.txt');
      await mkdir(join(dir, `req${n}`), { recursive: true });
      await writeFile(path, lines.join('\n') + '\n');
      return path;
    },
    build(requirementsPath, runtime, arch, opts = {}, ctx = {}) {
      const { name, ...options } = opts;
      return buildLayer(
        {
          sourcePath: requirementsPath,
          runtime,
          architecture: arch,
          layerName: name ?? 'layer',
          outDir: join(dir, 'out', `${runtime}-${arch}`),
          options: { env, ...options },
        },
        ctx,
      );
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
