// The same journey with the display language set to Simplified Chinese; every text it waits for must be the
// zh-cn translation (see journey/texts.ts). Screenshots journey-zh-cn-*.png.
import type { UiContext } from '../lib/ui';
import { journey } from './journey/steps';

export const locale = 'zh-cn';
export const timeoutMs = 300_000; // the journey took 55 s on a busy 2-core machine (2026-12-03): over 5x headroom

export default function journeyZhCn(ui: UiContext): Promise<void> {
  return journey(ui);
}
