import * as l10n from '@vscode/l10n';
import type { LambdaGateway } from '../aws/types';
import { functionWarnings } from '../ops/attach';
import type { LayerCompatibility } from '../ops/compatibility';
import { attachLayer } from '../ops/layerList';
import { mutateFunctionLayers } from '../ops/mutateLayers';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { zipCacheDir } from '../stack/cacheDir';
import { ZipCache } from '../stack/zipCache';
import { consoleLog } from '../util/log';
import { parseCommandLine, usageError } from './args';
import { CANCELLED_UNCHANGED, printLayerList } from './layerList';

export const USAGE = 'usage: attach FUNCTION LAYER_VERSION_ARN [LAYER_VERSION_ARN...] [--endpoint URL] [--region R] [--profile P]';

/**
 * `attach FUNCTION ARN...`: attaches the versions in one update (each replaces another version of its
 * layer in place), prints the resulting layer list, and warns on stderr about runtime/architecture mismatches.
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, CONNECTION_FLAGS, USAGE);
  if (!args) return 2;
  const [fn, ...arns] = args.positionals;
  if (!fn || arns.length === 0) return usageError(USAGE);
  return runHeadless(args.values, async ({ gateway }, signal) => {
    const result = await mutateFunctionLayers(gateway, fn, (current) => arns.reduce(attachLayer, [...current]), { signal, log: consoleLog });
    if (result.kind === 'unchanged') process.stderr.write(`${l10n.t('{0} already uses these layer versions.', fn)}\n`);
    // Sizes of zips an `analyze` read make the unzipped total exact.
    const knownSizes = await new ZipCache(zipCacheDir()).knownSizes();
    for (const arn of arns) {
      const layer = await describe(gateway, arn);
      for (const w of functionWarnings(layer, result.configuration, knownSizes)) consoleLog.warn(w);
    }
    printLayerList(fn, result);
  }, CANCELLED_UNCHANGED());
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
