// The packaged VSIX, installed as a user installs it, in English: the tutorial end to end (installedVsix/steps.ts).
import type { UiContext } from '../lib/ui';
import { installedVsix } from './installedVsix/steps';

export const packaged = true;
export const timeoutMs = 300_000; // packaging, installing and the flow took 69 s on a busy 2-core machine (2026-12-03): 4x headroom

export default function installedVsixEn(ui: UiContext): Promise<void> {
  return installedVsix(ui);
}
