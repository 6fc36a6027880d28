// The versions flow with the display language set to Simplified Chinese. Screenshot versions.zh-cn-functions.zh-cn.png.
import type { UiContext } from '../lib/ui';
import { showVersions } from './versions/steps';

export const locale = 'zh-cn';

export default async function versionsZhCn(ui: UiContext): Promise<void> {
  await showVersions(ui, {
    functions: /^(Functions|函数)$/,
    versions: '已发布版本（2）',
    version: (n) => `版本 ${n}`,
    aliases: '别名（1）',
    routing: '→ 1（90%），2（10%）',
  });
}
