import { detachLayer } from '../ops/layerList';
import { mutateFunctionLayers } from '../ops/mutateLayers';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { consoleLog } from '../util/log';
import { parseCommandLine, usageError } from './args';
import { CANCELLED_UNCHANGED, printLayerList } from './layerList';

export const USAGE = 'usage: detach FUNCTION LAYER_ARN_OR_NAME [--endpoint URL] [--region R] [--profile P]';

/** `detach FUNCTION LAYER`: by version ARN, layer ARN or name; prints the remaining layers. */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, CONNECTION_FLAGS, USAGE);
  if (!args) return 2;
  const [fn, layer, ...extra] = args.positionals;
  if (!fn || !layer || extra.length > 0) return usageError(USAGE);
  return runHeadless(
    args.values,
    async ({ gateway }, signal) => {
      const result = await mutateFunctionLayers(gateway, fn, (current) => detachLayer(current, layer), {
        signal,
        log: consoleLog,
      });
      printLayerList(fn, result);
    },
    CANCELLED_UNCHANGED(),
  );
}
