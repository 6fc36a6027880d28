import { basename } from 'node:path';
import { isSameLayer, parseLayerArn } from '../aws/arn';
import type { LambdaGateway } from '../aws/types';
import { estimateUnzippedSize, type SizeEstimate, type SizedPart } from '../ops/sizeGuard';
import { isCancellation } from '../util/errors';
import type { Log } from '../util/log';
import { readFunctionCode, readLayerVersion } from './analyze';
import { layerOnlyImportWarning, readLayerOnlyImports } from './esmImports';
import { zipContents, type ZipContents } from './packages';
import type { ZipCache } from './zipCache';
import { readZipIndex } from './zipIndex';

/** A layer of the function after the change: a published version, or a built zip about to be published. */
export type PlannedLayer = { arn: string; codeSize?: number } | { zipPath: string; label: string };

export interface StackChange {
  functionName: string;
  /** The function's layer list after the change, from its current one (ARNs in Lambda's order). */
  layersAfter: (current: readonly string[]) => PlannedLayer[];
  /** The function's code after the change (a deploy), as it will be uploaded; absent: the code it runs now. */
  code?: NewCode;
}

/** A code zip built here: its bytes and their CodeSha256. */
export interface NewCode {
  codeSha256: string;
  zip: Uint8Array;
}

export interface GuardOptions {
  cache: ZipCache;
  signal?: AbortSignal;
  log?: Log;
}

export interface StackCheck extends SizeEstimate {
  functionName: string;
  /** A Node.js function whose ES modules import packages only a layer provides (see esmImports.ts). */
  esmWarning?: string;
}

/** What the check has to say before the change: the size message, then the ES module one. */
export function stackCheckWarnings(check: StackCheck): string[] {
  return [check.message, check.esmWarning].filter((w): w is string => Boolean(w));
}

/**
 * The one check run before attach, update, publish and code deploys when the target function is known: the
 * function's code plus its layers after the change, unzipped, against Lambda's 262,144,000 bytes ('warn' past 90 %,
 * 'over' past the limit: Lambda refuses the update). Sizes are exact, from the zips' central directories (each
 * zip downloaded once into the cache, by CodeSha256; new code put there); a part that cannot be read counts with
 * its zipped size and the total is marked as a lower bound. For a Node.js function, the same zips tell whether its ES modules import a package
 * only a layer provides (`esmWarning`).
 */
export async function checkStackSize(
  gateway: LambdaGateway,
  change: StackChange,
  options: GuardOptions,
): Promise<StackCheck> {
  const fn = await gateway.getFunction(change.functionName);
  const config = fn.Configuration ?? {};
  const current = (config.Layers ?? []).flatMap((l) => (l.Arn ? [l.Arn] : []));
  const zipped = new Map((config.Layers ?? []).map((l) => [l.Arn, l.CodeSize]));
  // New code is read from the cache it is put in, like code downloaded (and is there for later analyses).
  if (change.code) await options.cache.store(change.code.codeSha256, change.code.zip);
  const codeSha256 = change.code?.codeSha256 ?? config.CodeSha256;
  const code = codeSha256
    ? await exactly(options, `code of ${change.functionName}`, (signal) =>
        readFunctionCode(options.cache, codeSha256, fn.Code?.Location, signal),
      )
    : undefined;
  const layers: (SizedPart & { unzipped?: number; contents?: ZipContents })[] = [];
  for (const layer of change.layersAfter(current)) {
    if ('zipPath' in layer) {
      const contents = zipContents('layer', await readZipIndex(layer.zipPath, options.signal));
      layers.push({ arn: layer.label, unzipped: contents.unzippedBytes, contents });
      continue;
    }
    const read = await exactly(options, layer.arn, (signal) =>
      readLayerVersion(gateway, layer.arn, { cache: options.cache, signal }),
    );
    layers.push({
      arn: layer.arn,
      codeSize: layer.codeSize ?? zipped.get(layer.arn),
      unzipped: read?.contents.unzippedBytes,
      contents: read?.contents,
    });
  }
  const byArn = new Map(
    layers.flatMap((l) => (l.arn !== undefined && l.unzipped !== undefined ? [[l.arn, l.unzipped] as const] : [])),
  );
  const estimate = estimateUnzippedSize(
    code !== undefined
      ? { unzippedSize: code.contents.unzippedBytes }
      : { codeSize: change.code?.zip.length ?? config.CodeSize },
    layers.map(({ arn, codeSize }) => ({ arn, codeSize })),
    { byArn },
  );
  const layerPackages = new Set(
    layers.flatMap((l) => l.contents?.packages.filter((p) => p.ecosystem === 'node').map((p) => p.name) ?? []),
  );
  const esmImports =
    code && config.Runtime?.startsWith('nodejs')
      ? await readLayerOnlyImports(code.zipPath, layerPackages, options.signal).catch((e: unknown) => {
          if (isCancellation(e)) throw e;
          options.log?.warn(`ES module check of ${change.functionName} skipped: ${(e as Error).message}`);
          return [];
        })
      : [];
  return { functionName: change.functionName, ...estimate, esmWarning: layerOnlyImportWarning(esmImports) };
}

/** The value, or undefined (logged) when the zip cannot be read: no download location, access denied, a broken zip. */
async function exactly<T>(
  options: GuardOptions,
  what: string,
  read: (signal?: AbortSignal) => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read(options.signal);
  } catch (e) {
    if (isCancellation(e)) throw e;
    options.log?.warn(`Size check: could not read the ${what} (${(e as Error).message}); counting its zipped size.`);
    return undefined;
  }
}

/** Attaching layer versions: each replaces another version of the same layer in place, else comes last. */
export function attachChange(
  functionName: string,
  versions: readonly { arn: string; codeSize?: number }[],
): StackChange {
  return {
    functionName,
    layersAfter: (current) => {
      const next = current.map((a): PlannedLayer => ({ arn: a }));
      for (const v of versions) {
        const i = next.findIndex((l) => 'arn' in l && isSameLayer(l.arn, v.arn));
        if (i >= 0) next[i] = v;
        else next.push(v);
      }
      return next;
    },
  };
}

/** An update from one version to another (bulk update, update to latest). */
export function replaceChange(functionName: string, from: string, to: string): StackChange {
  return { functionName, layersAfter: (current) => current.map((a) => ({ arn: a === from ? to : a })) };
}

/** Publishing a built zip as the next version of `layerName` for a function that uses (or will use) that layer. */
export function publishChange(functionName: string, layerName: string, zipPath: string): StackChange {
  const label = `${layerName} (${basename(zipPath)})`;
  return {
    functionName,
    layersAfter: (current) => {
      const i = current.findIndex((a) => parseLayerArn(a)?.name === layerName);
      const next = current.map((a): PlannedLayer => ({ arn: a }));
      if (i >= 0) next[i] = { zipPath, label };
      else next.push({ zipPath, label });
      return next;
    },
  };
}

/** Deploying new code to a function: its code becomes `code`, its layers stay. */
export function codeChange(functionName: string, code: NewCode): StackChange {
  return { functionName, layersAfter: (current) => current.map((arn) => ({ arn })), code };
}
