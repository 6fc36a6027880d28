/** Parsed `arn:aws:lambda:{region}:{account}:layer:{name}[:{version}]` (partition may differ, e.g. aws-cn). */
export interface LayerRef {
  /** The layer's ARN without a version: the identity two versions share. */
  layerArn: string;
  name: string;
  region: string;
  account: string;
  /** Absent for an unversioned layer ARN. */
  version?: number;
}

const LAYER_ARN = /^(arn:[a-z-]+:lambda:([a-z0-9-]+):(\d+):layer:([A-Za-z0-9_-]{1,140}))(?::(\d+))?$/;

/** A layer ARN with or without version; `undefined` for anything else (check `version` when one is needed). */
export function parseLayerArn(arn: string): LayerRef | undefined {
  const m = LAYER_ARN.exec(arn);
  if (!m) return undefined;
  const ref: LayerRef = { layerArn: m[1], region: m[2], account: m[3], name: m[4] };
  if (m[5] !== undefined) ref.version = Number(m[5]);
  return ref;
}

/** Two ARNs name the same layer (any versions); strings that are not layer ARNs compare as they are. */
export function isSameLayer(a: string, b: string): boolean {
  return (parseLayerArn(a)?.layerArn ?? a) === (parseLayerArn(b)?.layerArn ?? b);
}

/** The account field of any ARN (`arn:partition:service:region:account:...`). */
export function arnAccount(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}
