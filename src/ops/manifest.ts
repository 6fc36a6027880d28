import type { LayerManifest } from '../layer/manifest';
import type { KnownSizes } from './sizeGuard';

/**
 * A default layer description: "requests 2.32.3, urllib3 2.2.1 (+3 more)", at most `max` chars.
 * Deliberately not translated, and the build's translated "(other files)" entry (no version) is left
 * out: the description is stored on AWS and compared to decide whether a publish is a no-op, so it
 * must not change with the editor's language.
 */
export function packageSummary(m: Pick<LayerManifest, 'packages'>, max = 256): string {
  const names = (m.packages ?? [])
    .filter((p) => p.name && p.version)
    .map((p) => `${p.name} ${p.version}`)
    .sort((a, b) => a.localeCompare(b));
  for (let shown = names.length; shown > 0; shown--) {
    const rest = names.length - shown;
    const text = names.slice(0, shown).join(', ') + (rest > 0 ? ` (+${rest} more)` : '');
    if (text.length <= max) return text;
  }
  return '';
}

/** Unzipped sizes from manifests, for the size guard; `arn` is the version the manifest was published as. */
export function knownSizesFromManifests(
  entries: readonly { manifest: Pick<LayerManifest, 'unzippedSize' | 'codeSha256'>; arn?: string }[],
): KnownSizes {
  const byArn = new Map<string, number>();
  const bySha256 = new Map<string, number>();
  for (const { manifest, arn } of entries) {
    if (typeof manifest.unzippedSize !== 'number') continue;
    if (arn) byArn.set(arn, manifest.unzippedSize);
    if (manifest.codeSha256) bySha256.set(manifest.codeSha256, manifest.unzippedSize);
  }
  return { byArn, bySha256 };
}
