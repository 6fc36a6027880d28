// The Node.js journey in English (see nodeJourney/steps.ts); screenshots nodeJourney-en-*.png.
import type { UiContext } from '../lib/ui';
import { NODE_PACKAGES, nodeJourney } from './nodeJourney/steps';

export const workspace = 'test/fixtures/nodeWorkspace';
export const npmPackages = NODE_PACKAGES;
export const timeoutMs = 300_000; // npm's cold install of the demo under CI load is a few seconds; the rest as the journey

export default function nodeJourneyEn(ui: UiContext): Promise<void> {
  return nodeJourney(ui);
}
