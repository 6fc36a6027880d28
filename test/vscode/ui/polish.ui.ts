// Issue 19's first-hour fixes in English; see polish/steps.ts.
import type { UiContext } from '../lib/ui';
import { polish } from './polish/steps';

export const timeoutMs = 300_000;

export default function polishEn(ui: UiContext): Promise<void> {
  return polish(ui);
}
