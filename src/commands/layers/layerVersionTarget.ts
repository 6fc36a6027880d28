import * as vscode from 'vscode';
import { classifyAwsError } from '../../aws/errors';
import { parseLayerArn } from '../../aws/arn';
import { requireLayerVersionArn } from '../../ops/layerList';
import type { Services } from '../../services';
import { UserError } from '../../util/errors';
import { resolveTarget } from '../resourceTarget';

/** A layer version a command acts on, with what it declares (read fresh, so a deleted version is noticed). */
export interface LayerVersionTarget {
  arn: string;
  /** The layer's ARN without version. */
  layerArn: string;
  name: string;
  version: number;
  runtimes: string[];
  architectures: string[];
  codeSize?: number;
  codeSha256?: string;
}

/** From a layer version node (Layers view or a function's layer), a layer version ARN, or picked from the palette. */
export async function resolveLayerVersion(
  services: Services,
  arg: unknown,
  title: string,
): Promise<LayerVersionTarget> {
  const arn = typeof arg === 'string' ? arg.trim() : (await resolveTarget(services, arg, title, ['layerVersion'])).arn;
  const ref = requireLayerVersionArn(arn);
  const live = services.connection.require();
  let found;
  try {
    found = await live.lambda.getLayerVersionByArn(arn);
  } catch (e) {
    if (classifyAwsError(e) === 'notFound') {
      throw new UserError(
        vscode.l10n.t('This layer version does not exist (any more): {0}. Refresh the explorer.', arn),
      );
    }
    throw e;
  }
  return {
    arn,
    layerArn: ref.layerArn,
    name: ref.name,
    version: ref.version,
    runtimes: found.CompatibleRuntimes ?? [],
    architectures: found.CompatibleArchitectures ?? [],
    codeSize: found.Content?.CodeSize,
    codeSha256: found.Content?.CodeSha256,
  };
}

/** `deps:3`, as the explorer labels attached layers. */
export function shortLayerName(arn: string): string {
  const ref = parseLayerArn(arn);
  return ref ? (ref.version !== undefined ? `${ref.name}:${ref.version}` : ref.name) : arn;
}
