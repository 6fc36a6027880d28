// The packaged VSIX, installed as a user installs it, with the display language set to Simplified Chinese.
import type { UiContext } from '../lib/ui';
import { installedVsix } from './installedVsix/steps';

export const packaged = true;
export const timeoutMs = 300_000; // packaging, installing and the en flow took 69 s on a busy 2-core machine (2026-12-03): 4x headroom
export const locale = 'zh-cn';

export default function installedVsixZhCn(ui: UiContext): Promise<void> {
  return installedVsix(ui);
}
