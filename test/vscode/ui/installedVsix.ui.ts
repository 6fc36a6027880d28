// The packaged VSIX, installed as a user installs it, in English (installedVsix/steps.ts).
import type { UiContext } from '../lib/ui';
import { installedVsix } from './installedVsix/steps';

export const packaged = true;

export default function installedVsixEn(ui: UiContext): Promise<void> {
  return installedVsix(ui);
}
