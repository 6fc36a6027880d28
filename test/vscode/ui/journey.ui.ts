// A newcomer's whole journey in English (see journey/steps.ts); screenshots journey-en-*.png.
import type { UiContext } from '../lib/ui';
import { journey } from './journey/steps';

export const timeoutMs = 300_000;

export default function journeyEn(ui: UiContext): Promise<void> {
  return journey(ui);
}
