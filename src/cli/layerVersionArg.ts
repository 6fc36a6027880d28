import { requireLayerVersionArn } from '../ops/layerList';
import type { LayerVersionId } from '../ops/sharing';
import { errorMessage } from '../util/errors';

/**
 * The layer version a sharing subcommand acts on, and the region its connection must use (the ARN's, unless
 * --region says otherwise). Prints why on stderr and returns `undefined` when the argument is not a version ARN.
 */
export function layerVersionArg(
  arn: string,
  flags: { region?: string },
): { id: LayerVersionId; region: string } | undefined {
  try {
    const ref = requireLayerVersionArn(arn.trim());
    return { id: { layerName: ref.name, version: ref.version }, region: flags.region ?? ref.region };
  } catch (e) {
    process.stderr.write(`${errorMessage(e)}\n`);
    return undefined;
  }
}
