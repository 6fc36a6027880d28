import * as l10n from '@vscode/l10n';
import { classifyAwsError } from '../aws/errors';
import type { LambdaGateway } from '../aws/types';
import { UserError, throwIfAborted } from '../util/errors';
import { parseLayerArn } from '../aws/arn';
import { layerArnsOf } from './mutateLayers';
import { functionVersionLabel, type ScanOptions } from './outcomes';

/** What the user confirms: one layer version and the functions that still use it. */
export interface DeletePlan {
  layerName: string;
  version: number;
  layerVersionArn: string;
  /** Function versions still using it (`f1`, `f2:3` for a published version); deleting does not detach it from them. */
  usedBy: string[];
}

/** `layer` is a layer name or layer ARN. Throws a UserError when the version does not exist. */
export async function planDelete(
  gateway: LambdaGateway,
  layer: string,
  version: number,
  options: ScanOptions = {},
): Promise<DeletePlan> {
  const layerName = parseLayerArn(layer)?.name ?? layer;
  let layerVersionArn: string | undefined;
  try {
    layerVersionArn = (await gateway.getLayerVersion(layerName, version)).LayerVersionArn;
  } catch (e) {
    if (classifyAwsError(e) !== 'notFound') throw e;
  }
  if (!layerVersionArn)
    throw new UserError(l10n.t('Version {0} of layer {1} does not exist (any more).', version, layerName));
  const usedBy: string[] = [];
  // Published versions count: they keep using the version as long as they exist.
  for await (const fn of options.functions ?? gateway.listFunctionVersions({ signal: options.signal })) {
    throwIfAborted(options.signal);
    if (fn.FunctionName && layerArnsOf(fn).includes(layerVersionArn)) usedBy.push(functionVersionLabel(fn));
  }
  return { layerName, version, layerVersionArn, usedBy };
}

/** Deletes exactly the confirmed version, nothing else. Functions using it keep working (Lambda keeps a copy). */
export async function deleteLayerVersion(
  gateway: LambdaGateway,
  confirmed: Pick<DeletePlan, 'layerName' | 'version'>,
): Promise<void> {
  await gateway.deleteLayerVersion(confirmed.layerName, confirmed.version);
}
