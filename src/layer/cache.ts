import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { Installer } from './installer';
import type { PipConfig } from './pipConfig';
import type { LoadedRequirements } from './requirements';
import type { PythonTarget } from './runtimes';
import { readManifest, type LayerManifest } from './manifest';

export interface CacheKeyInput {
  toolVersion: string;
  layerName: string;
  requirements: LoadedRequirements;
  target: PythonTarget;
  installer: Installer;
  allowSourceBuilds: boolean;
  allowIncompatible: boolean;
  slim?: boolean;
  /**
   * The configured interpreter path. Its version is not part of the key (asking costs a process start, and
   * through a pyenv shim ~0.3 s): it only decides whether bytecode is included, and either zip is correct.
   */
  pythonPath: string;
  pipConfig: PipConfig;
  env: NodeJS.ProcessEnv;
}

/**
 * Everything that can change the zip, hashed. Requirement files are keyed by their path relative to the root
 * file, so moving the project keeps the cache. Unpinned requirements ("requests>=2") are keyed by their text:
 * a newer release on the index does not invalidate the cache; "rebuild" does.
 */
export function cacheKey(input: CacheKeyInput): string {
  const root = dirname(input.requirements.files[0]?.path ?? '.');
  const envValues = (names: string[]) => names.sort().map((n) => [n, input.env[n] ?? null]);
  const uvEnv = Object.keys(input.env).filter((k) => k.startsWith('UV_'));
  const canonical = {
    v: 1,
    tool: input.toolVersion,
    layer: input.layerName,
    files: input.requirements.files.map((f) => [relative(root, f.path).replace(/\\/g, '/'), f.content]),
    envRefs: envValues([...input.requirements.envRefs]),
    runtime: input.target.runtime,
    arch: input.target.architecture,
    installer: input.installer,
    sourceBuilds: input.allowSourceBuilds,
    allowIncompatible: input.allowIncompatible,
    // Only when set, so the keys of earlier builds stay valid.
    ...(input.slim ? { slim: true } : {}),
    python: input.pythonPath,
    pipEnv: input.pipConfig.env,
    pipFiles: input.pipConfig.files.map((f) => [f.path, f.content]),
    uvEnv: input.installer === 'uv' ? envValues(uvEnv) : [],
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/**
 * The previous build's manifest when its key matches and its zip is still exactly the bytes it describes
 * (hashing the zip costs well under a second and catches a replaced or truncated file).
 */
export async function reusableBuild(
  manifestPath: string,
  zipPath: string,
  key: string,
): Promise<LayerManifest | undefined> {
  const manifest = await readManifest(manifestPath);
  if (!manifest || manifest.cacheKey !== key) return undefined;
  const st = await fs.stat(zipPath).catch(() => undefined);
  if (!st || st.size !== manifest.zippedSize) return undefined;
  return (await sha256File(zipPath)) === manifest.sha256 ? manifest : undefined;
}

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
