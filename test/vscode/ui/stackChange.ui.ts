// Before a change: attaching a newer layer version offers Compare Versions… in its confirmation, and the build
// report ranks the layer's packages by import time. Screenshots stackChange-*.png.
import type { UiContext } from '../lib/ui';
import { compareBeforeAttach, reportImports } from './stackChange/steps';

export const timeoutMs = 240_000;

export default async function stackChange(ui: UiContext): Promise<void> {
  await compareBeforeAttach(ui);
  await reportImports(ui);
}
