import * as l10n from '@vscode/l10n';
import type { LambdaGateway } from '../aws/types';
import { compatibilityWarnings, type LayerCompatibility } from '../ops/compatibility';
import { attachLayer, requireLayerVersionArn } from '../ops/layerList';
import { mutateFunctionLayers } from '../ops/mutateLayers';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { zipCacheDir } from '../stack/cacheDir';
import { attachChange, checkStackSize, stackCheckWarnings } from '../stack/stackGuard';
import { ZipCache } from '../stack/zipCache';
import { errorMessage, isCancellation } from '../util/errors';
import { consoleLog } from '../util/log';
import { parseCommandLine, usageError } from './args';
import { CANCELLED_UNCHANGED, printLayerList } from './layerList';

export const USAGE =
  'usage: attach FUNCTION LAYER_VERSION_ARN [LAYER_VERSION_ARN...] [--endpoint URL] [--region R] [--profile P]';

/**
 * `attach FUNCTION ARN...`: attaches the versions in one update (each replaces another version of its
 * layer in place), prints the resulting layer list, and warns on stderr about runtime/architecture mismatches
 * and, before attaching, about a stack near or past Lambda's unzipped size limit or ES module imports of layer-only packages.
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, CONNECTION_FLAGS, USAGE);
  if (!args) return 2;
  const [fn, ...arns] = args.positionals;
  if (!fn || arns.length === 0) return usageError(USAGE);
  try {
    // Before any call: the size check would otherwise warn about the ARN first, in Lambda's words.
    arns.forEach((arn) => requireLayerVersionArn(arn));
  } catch (e) {
    process.stderr.write(`${l10n.t('error: {0}', errorMessage(e))}\n`);
    return 2;
  }
  return runHeadless(
    args.values,
    async ({ gateway }, signal) => {
      await warnBeforeAttach(gateway, fn, arns, signal);
      const result = await mutateFunctionLayers(gateway, fn, (current) => arns.reduce(attachLayer, [...current]), {
        signal,
        log: consoleLog,
      });
      if (result.kind === 'unchanged')
        process.stderr.write(`${l10n.t('{0} already uses these layer versions.', fn)}\n`);
      for (const arn of arns) {
        for (const w of compatibilityWarnings(await describe(gateway, arn), result.configuration)) consoleLog.warn(w);
      }
      printLayerList(fn, result);
    },
    CANCELLED_UNCHANGED(),
  );
}

/**
 * The shared check (exact sizes from the zips; layer-only ES module imports) of the function with these versions
 * attached, before attaching.
 */
async function warnBeforeAttach(
  gateway: LambdaGateway,
  fn: string,
  arns: readonly string[],
  signal: AbortSignal,
): Promise<void> {
  const change = attachChange(
    fn,
    arns.map((arn) => ({ arn })),
  );
  const check = await checkStackSize(gateway, change, {
    cache: new ZipCache(zipCacheDir()),
    signal,
    log: consoleLog,
  }).catch((e: unknown) => {
    // A missing function or a malformed ARN: the attach itself says so, in its own words.
    if (isCancellation(e)) throw e;
    return undefined;
  });
  for (const w of check ? stackCheckWarnings(check) : []) consoleLog.warn(w);
}

/** The version's declared runtimes/architectures for warnings; none when the endpoint cannot tell. */
async function describe(gateway: LambdaGateway, arn: string): Promise<LayerCompatibility> {
  try {
    const v = await gateway.getLayerVersionByArn(arn);
    return { arn, compatibleRuntimes: v.CompatibleRuntimes, compatibleArchitectures: v.CompatibleArchitectures };
  } catch {
    return { arn };
  }
}
