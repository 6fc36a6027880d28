import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import * as l10n from '@vscode/l10n';
import type { LambdaGateway } from '../aws/types';
import { compatibilityWarnings, type LayerCompatibility } from './compatibility';
import { attachLayer } from './layerList';
import { mutateFunctionLayers, type MutateOptions, type MutateProgress } from './mutateLayers';
import { forEachFunction, type FunctionOutcome } from './outcomes';
import { estimateUnzippedSize, type KnownSizes } from './sizeGuard';

export interface AttachManyOptions extends Omit<MutateOptions, 'onProgress'> {
  /** Unzipped sizes from our manifests, for the size warning. */
  knownSizes?: KnownSizes;
  onProgress?: (functionName: string, index: number, total: number, p: MutateProgress) => void;
}

/**
 * Attaches one layer version to each function (replacing another version of that layer in place).
 * Runtime or architecture mismatches and a function nearing the unzipped size quota are warnings on
 * that function's outcome: AWS accepts them, the user may know better.
 */
export async function attachToFunctions(
  gateway: LambdaGateway,
  layer: LayerCompatibility,
  functionNames: readonly string[],
  options: AttachManyOptions = {},
): Promise<FunctionOutcome[]> {
  const { onProgress, knownSizes, ...mutate } = options;
  return forEachFunction(
    functionNames,
    async (name, i) => {
      const result = await mutateFunctionLayers(gateway, name, (current) => attachLayer(current, layer.arn), {
        ...mutate,
        onProgress: onProgress && ((p) => onProgress(name, i, functionNames.length, p)),
      });
      const warnings = functionWarnings(layer, result.configuration, knownSizes);
      return result.kind === 'updated'
        ? { function: name, status: 'ok', before: result.before, after: result.after, warnings }
        : { function: name, status: 'skipped', reason: l10n.t('{0} is already attached.', layer.arn), warnings };
    },
    options.signal,
  );
}

/** Mismatch and size warnings for a function that uses (or is about to use) `layer`. */
export function functionWarnings(
  layer: LayerCompatibility,
  fn: FunctionConfiguration,
  knownSizes?: KnownSizes,
): string[] {
  const size = quickSizeWarning(fn, knownSizes);
  return [...compatibilityWarnings(layer, fn), ...(size ? [size] : [])];
}

/**
 * The size warning from what is at hand (known unzipped sizes, else zipped ones: a lower bound), for lists
 * that must not wait; the exact check before a change is src/stack/stackGuard.ts.
 */
export function quickSizeWarning(fn: FunctionConfiguration, knownSizes?: KnownSizes): string | undefined {
  return estimateUnzippedSize(
    { codeSize: fn.CodeSize, codeSha256: fn.CodeSha256 },
    (fn.Layers ?? []).map((l) => ({ arn: l.Arn, codeSize: l.CodeSize })),
    knownSizes,
  ).message;
}
