import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../util/fsAtomic';
import { measureImports, type ImportTiming } from './importTime';
import { zipContents } from './packages';
import { readZipIndex } from './zipIndex';

/** A built layer's own import-time ranking, kept next to its zip as `<name>.imports.json`. */
export interface LayerImports {
  /** Of the zip measured: a rebuilt zip is measured again. */
  codeSha256: string;
  /** The local Python that measured (a different minor than the runtime's when the machine has no exact match). */
  python: string;
  /** Heaviest first. */
  timings: ImportTiming[];
}

export function importsPathFor(zipPath: string): string {
  return zipPath.replace(/\.zip$/i, '') + '.imports.json';
}

/**
 * The import time of each top-level package of a built layer, measured locally as src/stack/importTime.ts does for a
 * function's stack (fresh interpreter per package, read-only copy laid out as in /opt), once per zip content: the
 * result is kept next to the zip and reused while its CodeSha256 matches.
 */
export async function layerImports(
  zipPath: string,
  runtime: string,
  codeSha256: string,
  signal?: AbortSignal,
): Promise<LayerImports> {
  const kept = await readLayerImports(zipPath, codeSha256);
  if (kept) return kept;
  const contents = zipContents('layer', await readZipIndex(zipPath, signal));
  const measured = await measureImports(
    runtime,
    [{ source: 'layer', kind: 'layer', contents, codeSha256, zipPath }],
    signal,
  );
  const result: LayerImports = { codeSha256, python: measured.python, timings: measured.timings };
  await writeFileAtomic(importsPathFor(zipPath), JSON.stringify(result, null, 2));
  return result;
}

/** The kept ranking when it was measured on this very zip; undefined otherwise (missing, stale or unreadable). */
export async function readLayerImports(zipPath: string, codeSha256: string): Promise<LayerImports | undefined> {
  try {
    const kept = JSON.parse(await fs.readFile(importsPathFor(zipPath), 'utf8')) as Partial<LayerImports>;
    return kept.codeSha256 === codeSha256 && typeof kept.python === 'string' && Array.isArray(kept.timings)
      ? (kept as LayerImports)
      : undefined;
  } catch {
    return undefined;
  }
}
