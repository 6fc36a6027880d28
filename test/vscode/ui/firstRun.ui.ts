// The installed VSIX's first start in English; see polish/firstRun.ts.
import type { UiContext } from '../lib/ui';
import { firstRun } from './polish/firstRun';

export const packaged = true;
export const timeoutMs = 180_000;

export default function firstRunEn(ui: UiContext): Promise<void> {
  return firstRun(ui);
}
