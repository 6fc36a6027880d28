// Analyze Function with the display language set to Simplified Chinese. Screenshots stack-zh-cn-*.png.
import type { UiContext } from '../lib/ui';
import { analyze, createStack } from './stack/steps';

export const locale = 'zh-cn';
export const timeoutMs = 240_000;

export default async function stackZhCn(ui: UiContext): Promise<void> {
  await createStack(ui);
  await analyze(ui, { command: '分析函数', title: 'stack-demo 的堆栈' });
}
