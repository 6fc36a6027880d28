/** Lines of a fleet command's stdout, sorted (regions and functions finish in any order). */
export function lines(stdout: string): string[] {
  return stdout.split('\n').filter(Boolean).sort();
}

export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

/** A layer version ARN of the test account in `region`. */
export const layerVersionArn = (region: string, layer: string, v: number) =>
  `arn:aws:lambda:${region}:123456789012:layer:${layer}:${v}`;
