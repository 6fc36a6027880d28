import * as l10n from '@vscode/l10n';

// The AWS regions Lambda runs in (commercial, GovCloud and China partitions), as botocore's endpoints.json
// lists them. One table for the region picker, the CLI's --region check and the local endpoint, which refuses
// a credential scope naming any other region (AWS has no endpoint for it).

const AWS_PARTITIONS = {
  aws: [
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'eu-south-1',
    'eu-south-2',
    'eu-north-1',
    'il-central-1',
    'me-south-1',
    'me-central-1',
    'mx-central-1',
    'sa-east-1',
  ],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
} as const;

/** Every region of the table, commercial first (the picker's order). */
export const LAMBDA_REGIONS: readonly string[] = Object.values(AWS_PARTITIONS).flat();

/** What a region code looks like, for regions newer than the table typed into the picker. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const KNOWN = new Set(LAMBDA_REGIONS);

/**
 * The regions of `region`'s partition (commercial, GovCloud or China), the ones a profile for that region
 * can reach; the commercial ones for a region newer than the table.
 */
export function partitionRegions(region: string | undefined): readonly string[] {
  const own = Object.values(AWS_PARTITIONS).find((regions) => (regions as readonly string[]).includes(region ?? ''));
  return own ?? AWS_PARTITIONS.aws;
}

export function isKnownRegion(name: string): boolean {
  return KNOWN.has(name);
}

/** Up to `count` regions of the table closest to `name` (edit distance), for "did you mean" messages. */
export function closestRegions(name: string, count = 3): string[] {
  const lowered = name.trim().toLowerCase();
  return LAMBDA_REGIONS.map((region) => ({ region, d: editDistance(lowered, region) }))
    .sort((a, b) => a.d - b.d || LAMBDA_REGIONS.indexOf(a.region) - LAMBDA_REGIONS.indexOf(b.region))
    .slice(0, count)
    .map((r) => r.region);
}

/**
 * What to tell the user about a region that is not in the table (a typo such as `eu-west1` would otherwise
 * reach no endpoint, or the wrong one), naming it and the closest real ones; undefined for a known region.
 * `flag`: the region came from that command-line flag.
 */
export function unknownRegionProblem(name: string, flag?: string): string | undefined {
  if (isKnownRegion(name)) return undefined;
  const closest = closestRegions(name).join(', ');
  return flag
    ? l10n.t('{0} {1} is not an AWS region. Did you mean {2}?', flag, name, closest)
    : l10n.t(
        'The configured region "{0}" (from the profile or AWS_REGION) is not an AWS region. Did you mean {1}?',
        name,
        closest,
      );
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
