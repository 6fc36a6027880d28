import * as vscode from 'vscode';
import type { Services } from '../../services';
import { readLayerVersion } from '../../stack/analyze';
import type { StackPackage } from '../../stack/packages';
import { readZipIndex, type ZipFile } from '../../stack/zipIndex';
import { formatBytes } from '../../util/format';
import { layerFileUri } from '../../views/layerFileSystem';
import { withCancellableProgress } from '../cancellableProgress';
import { pickOne } from '../prompts';
import { resolveTarget } from '../resourceTarget';
import { sharedZipCache } from './sharedZipCache';

type Item = vscode.QuickPickItem & { file?: ZipFile; pkg?: StackPackage };

/**
 * Browse Files: any layer version (own, shared or public, by ARN) downloaded once into the cache, its packages
 * and files in a picker; the chosen file opens read-only from the `lambda-layer:` file system. Returns the opened URI.
 */
export async function browseLayerFiles(services: Services, node?: unknown, path?: string): Promise<vscode.Uri> {
  const arn =
    typeof node === 'string'
      ? node.trim()
      : (await resolveTarget(services, node, vscode.l10n.t('Browse Layer Files'), ['layerVersion'])).arn;
  const live = services.connection.require();
  const { source, files } = await withCancellableProgress(vscode.l10n.t('Reading {0}', arn), async (report, signal) => {
    const read = await readLayerVersion(live.lambda, arn, { cache: sharedZipCache(), signal, onProgress: report });
    return { source: read, files: (await readZipIndex(read.zipPath, signal)).files };
  });
  const file = path ?? (await pickFile(arn, source.contents.packages, files));
  const uri = layerFileUri(source.codeSha256, file);
  await vscode.window.showTextDocument(uri, { preview: true });
  return uri;
}

async function pickFile(arn: string, packages: StackPackage[], files: ZipFile[]): Promise<string> {
  const title = vscode.l10n.t('Files of {0}', arn);
  const items: Item[] = [];
  if (packages.length > 0) items.push({ label: vscode.l10n.t('Packages'), kind: vscode.QuickPickItemKind.Separator });
  for (const pkg of packages)
    items.push({
      label: `$(package) ${pkg.name}`,
      description: `${pkg.version} · ${formatBytes(pkg.size)}`,
      detail: pkg.dir,
      pkg,
    });
  items.push({ label: vscode.l10n.t('Files'), kind: vscode.QuickPickItemKind.Separator });
  for (const f of files) items.push({ label: f.path, description: formatBytes(f.size), file: f });
  const picked = await pickOne({ title, placeholder: vscode.l10n.t('Type to find a file or package'), items });
  if (picked.file) return picked.file.path;
  const pkg = picked.pkg!;
  const own = files.filter((f) => belongsTo(f.path, pkg));
  const chosen = await pickOne({
    title: `${pkg.name} ${pkg.version}`,
    placeholder: vscode.l10n.t('Select a file to open'),
    items: own.map((f): Item => ({
      label: f.path.slice(pkg.dir.length + 1),
      description: formatBytes(f.size),
      file: f,
    })),
  });
  return chosen.file!.path;
}

/** The package's module folders and files, and its dist-info (name-version.dist-info, name normalised with "_"). */
function belongsTo(path: string, pkg: StackPackage): boolean {
  const rest = pkg.dir ? path.slice(pkg.dir.length + 1) : path;
  if (pkg.dir && !path.startsWith(`${pkg.dir}/`)) return false;
  const first = rest.split('/')[0];
  const distPrefix = pkg.name.replace(/[-.]/g, '_').toLowerCase();
  return (
    pkg.modules.some((m) => first === m || first.startsWith(`${m}.`)) ||
    (first.endsWith('.dist-info') && first.replace(/[-.]/g, '_').toLowerCase().startsWith(`${distPrefix}_`))
  );
}
