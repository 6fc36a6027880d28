// The "before a change" flow with the display language set to Simplified Chinese. Screenshots stackChange-zh-cn-*.png.
import type { UiContext } from '../lib/ui';
import { compareBeforeAttach, reportImports } from './stackChange/steps';

export const locale = 'zh-cn';
export const timeoutMs = 240_000;

export default async function stackChangeZhCn(ui: UiContext): Promise<void> {
  await compareBeforeAttach(ui);
  await reportImports(ui);
}
