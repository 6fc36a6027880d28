// The fleet flow with the display language set to Simplified Chinese; every text it waits for must be the zh-cn
// translation (see journey/texts.ts). Screenshots fleet-zh-cn-*.png.
import type { UiContext } from '../lib/ui';
import { fleet } from './fleet/steps';

export const locale = 'zh-cn';
export const timeoutMs = 300_000;

export default function fleetZhCn(ui: UiContext): Promise<void> {
  return fleet(ui);
}
