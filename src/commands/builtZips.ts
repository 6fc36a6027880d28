import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readManifest, type LayerManifest } from '../layer/manifest';
import { manifestPathFor } from '../layer/manifest';
import { CancelledError } from '../util/errors';
import { formatBytes } from '../util/format';
import { allOutputDirectories } from '../vscode/buildSettings';
import { formatDate } from '../views/format';
import { pickOne } from './prompts';

export interface BuiltZip {
  zipPath: string;
  /** Undefined for a zip without (a readable) build manifest. */
  manifest?: LayerManifest;
}

/** "3 packages" (the files no package claims are not one). */
export function packageCount(manifest: LayerManifest): string {
  const count = manifest.packages.filter((p) => p.version).length;
  return count === 1 ? vscode.l10n.t('1 package') : vscode.l10n.t('{0} packages', count);
}

/** A zip from an argument: a Uri (Explorer), a path, or undefined. */
export function zipFromArgument(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  return typeof arg === 'string' && arg ? arg : undefined;
}

export async function loadBuiltZip(zipPath: string): Promise<BuiltZip> {
  return { zipPath, manifest: await readManifest(manifestPathFor(zipPath)) };
}

/** Zips with a manifest in the build output folders, newest build first. */
export async function listBuiltZips(): Promise<BuiltZip[]> {
  const found: BuiltZip[] = [];
  for (const dir of allOutputDirectories()) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.toLowerCase().endsWith('.zip'))) {
      const built = await loadBuiltZip(path.join(dir, name));
      if (built.manifest) found.push(built);
    }
  }
  return found.sort((a, b) => (b.manifest!.builtAt < a.manifest!.builtAt ? -1 : 1));
}

type ZipItem = vscode.QuickPickItem & { built?: BuiltZip; browse?: boolean };

/** Picks a built zip of the workspace (showing what its manifest says), or any zip through "Browse…". */
export async function pickBuiltZip(title: string): Promise<BuiltZip> {
  const built = await listBuiltZips();
  const items: ZipItem[] = built.map((b) => {
    const m = b.manifest!;
    return {
      label: `$(package) ${path.basename(b.zipPath)}`,
      description: `${m.layerName} · ${m.runtime} · ${m.architecture} · ${formatBytes(m.zippedSize)}`,
      detail: [
        packageCount(m),
        vscode.l10n.t('built {0}', formatDate(m.builtAt)),
        vscode.workspace.asRelativePath(b.zipPath),
      ].join(' · '),
      built: b,
    };
  });
  if (items.length > 0) items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({
    label: vscode.l10n.t('$(folder-opened) Browse…'),
    description: vscode.l10n.t('any layer zip on this machine'),
    browse: true,
  });
  const picked = await pickOne({
    title,
    placeholder:
      built.length > 0
        ? vscode.l10n.t('Select a built layer zip')
        : vscode.l10n.t('No layer has been built in this workspace yet'),
    items,
  });
  if (picked.built) return picked.built;
  const [uri] =
    (await vscode.window.showOpenDialog({
      title,
      canSelectMany: false,
      filters: { [vscode.l10n.t('Layer zip')]: ['zip'] },
    })) ?? [];
  if (!uri) throw new CancelledError();
  return loadBuiltZip(uri.fsPath);
}
