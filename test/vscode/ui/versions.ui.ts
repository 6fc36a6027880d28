// Published versions and aliases under a function in the Functions view, each with the layers it pins. Screenshot versions-functions.png.
import type { UiContext } from '../lib/ui';
import { showVersions } from './versions/steps';

export default async function versions(ui: UiContext): Promise<void> {
  await showVersions(ui, {
    functions: /^Functions$/,
    versions: 'Published versions (2)',
    version: (n) => `Version ${n}`,
    aliases: 'Aliases (1)',
    routing: '→ 1 (90%), 2 (10%)',
  });
}
