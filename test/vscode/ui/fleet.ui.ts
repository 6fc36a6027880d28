// Pick two regions, publish to both, see both in the fleet page, roll out with a canary. Screenshots fleet-*.png.
import type { UiContext } from '../lib/ui';
import { fleet } from './fleet/steps';

export const timeoutMs = 300_000;

export default function fleetFlow(ui: UiContext): Promise<void> {
  return fleet(ui);
}
