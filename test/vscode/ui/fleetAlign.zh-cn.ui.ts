// The fleetAlign flow with the display language set to Simplified Chinese; every text it waits for must be the zh-cn
// translation (see journey/texts.ts). Screenshots fleetAlign-zh-cn-*.png.
import type { UiContext } from '../lib/ui';
import { fleetAlign } from './fleetAlign/steps';

export const locale = 'zh-cn';
export const timeoutMs = 300_000;

export default function fleetAlignZhCn(ui: UiContext): Promise<void> {
  return fleetAlign(ui);
}
