import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import * as l10n from '@vscode/l10n';

/** What a layer version declares it is built for (from GetLayerVersion, ListLayerVersions or our manifest). */
export interface LayerCompatibility {
  arn: string;
  compatibleRuntimes?: readonly string[];
  compatibleArchitectures?: readonly string[];
}

/**
 * Warnings, never refusals: AWS attaches a layer whatever its declared runtimes and architectures
 * (they are metadata only), and a user may know better, e.g. a pure-Python layer.
 */
export function compatibilityWarnings(layer: LayerCompatibility, fn: FunctionConfiguration): string[] {
  const warnings: string[] = [];
  const runtimes = layer.compatibleRuntimes ?? [];
  if (fn.Runtime && runtimes.length > 0 && !runtimes.includes(fn.Runtime)) {
    warnings.push(
      l10n.t('{0} runs {1}, but the layer is built for {2}.', fn.FunctionName ?? '?', fn.Runtime, runtimes.join(', ')),
    );
  }
  const arches = layer.compatibleArchitectures ?? [];
  // A function without Architectures is x86_64 (the Lambda default).
  const fnArch = fn.Architectures?.[0] ?? 'x86_64';
  if (arches.length > 0 && !arches.includes(fnArch)) {
    warnings.push(
      l10n.t('{0} runs on {1}, but the layer is built for {2}.', fn.FunctionName ?? '?', fnArch, arches.join(', ')),
    );
  }
  return warnings;
}
