import type { LayerManifest } from '../layer/manifest';
import { listBuiltZips, type BuiltZip } from './builtZips';

/**
 * The build in the workspace's output folders whose zip is exactly a published version's content (same
 * CodeSha256): its manifest knows the unzipped size and the packages with their top-level modules.
 * `builds`: the output folders already listed, for callers matching several versions.
 */
export async function buildOfPublished(
  codeSha256: string | undefined,
  builds?: readonly BuiltZip[],
): Promise<(BuiltZip & { manifest: LayerManifest }) | undefined> {
  if (!codeSha256) return undefined;
  const found = (builds ?? (await listBuiltZips())).find((b) => b.manifest?.codeSha256 === codeSha256);
  return found?.manifest ? { zipPath: found.zipPath, manifest: found.manifest } : undefined;
}
