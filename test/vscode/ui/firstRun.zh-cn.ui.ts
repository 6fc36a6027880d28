// The installed VSIX's first start with the display language set to Simplified Chinese; see polish/firstRun.ts.
import type { UiContext } from '../lib/ui';
import { firstRun } from './polish/firstRun';

export const packaged = true;
export const locale = 'zh-cn';
export const timeoutMs = 180_000;

export default function firstRunZhCn(ui: UiContext): Promise<void> {
  return firstRun(ui);
}
