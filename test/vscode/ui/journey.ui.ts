// A newcomer's whole journey in English (see journey/steps.ts); screenshots journey-en-*.png.
import type { UiContext } from '../lib/ui';
import { journey } from './journey/steps';

export const timeoutMs = 300_000; // the zh-cn journey took 55 s on a busy 2-core machine (2026-12-03): over 5x headroom

export default function journeyEn(ui: UiContext): Promise<void> {
  return journey(ui);
}
