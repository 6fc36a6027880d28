// Publish to Regions… aligned after a preview, the same cancelled midway, and Roll Out… with a saved test event as
// the smoke test. Screenshots fleetAlign-*.png.
import type { UiContext } from '../lib/ui';
import { fleetAlign } from './fleetAlign/steps';

export const timeoutMs = 300_000;

export default function fleetAlignFlow(ui: UiContext): Promise<void> {
  return fleetAlign(ui);
}
