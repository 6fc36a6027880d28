/** Parts of a layer version ARN `arn:{partition}:lambda:{region}:{account}:layer:{name}:{version}`. */
export interface LayerVersionArnParts {
  region: string;
  accountId: string;
  layerName: string;
  /** The layer's ARN without the version. */
  layerArn: string;
  version: number;
}

const LAYER_VERSION_ARN = /^(arn:[\w-]+:lambda:([\w-]+):(\d+):layer:([\w-]+)):(\d+)$/;

export function parseLayerVersionArn(arn: string): LayerVersionArnParts | undefined {
  const m = LAYER_VERSION_ARN.exec(arn);
  if (!m) return undefined;
  return { layerArn: m[1], region: m[2], accountId: m[3], layerName: m[4], version: Number(m[5]) };
}

/** The account field of any ARN (`arn:partition:service:region:account:...`). */
export function arnAccount(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}
