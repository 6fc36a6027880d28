import type { S3Client } from '@aws-sdk/client-s3';
import { openFleet, scopePairs, type Fleet } from '../../../src/fleet/scope';
import { FakeGateway } from '../../helpers/fakeGateway';

/** A fleet over in-memory gateways, one per region, with `perTarget` calls in flight each. */
export function fakeFleet(regions: string[], perTarget = 2): { fleet: Fleet; gateways: Map<string, FakeGateway> } {
  const gateways = new Map(regions.map((r) => [r, new FakeGateway(r)]));
  const fleet = openFleet(scopePairs(regions), ({ region }) => ({ kind: 'local', region, endpoint: 'http://fake' }), {
    perTarget,
    openSession: (settings) => ({
      settings,
      gateway: gateways.get(settings.region)!,
      s3: undefined as unknown as S3Client,
      dispose() {},
    }),
  });
  return { fleet, gateways };
}

export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
