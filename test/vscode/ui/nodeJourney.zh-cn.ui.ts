// The Node.js journey in Simplified Chinese (see nodeJourney/steps.ts); screenshots nodeJourney-zh-cn-*.png.
import type { UiContext } from '../lib/ui';
import { NODE_PACKAGES, nodeJourney } from './nodeJourney/steps';

export const locale = 'zh-cn';
export const workspace = 'test/fixtures/nodeWorkspace';
export const npmPackages = NODE_PACKAGES;
export const timeoutMs = 300_000;

export default function nodeJourneyZhCn(ui: UiContext): Promise<void> {
  return nodeJourney(ui);
}
