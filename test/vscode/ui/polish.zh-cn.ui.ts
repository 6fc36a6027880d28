// Issue 19's first-hour fixes with the display language set to Simplified Chinese; see polish/steps.ts.
import type { UiContext } from '../lib/ui';
import { polish } from './polish/steps';

export const locale = 'zh-cn';
export const timeoutMs = 300_000;

export default function polishZhCn(ui: UiContext): Promise<void> {
  return polish(ui);
}
