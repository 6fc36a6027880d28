import * as vscode from 'vscode';
import type { ZipCache } from '../stack/zipCache';
import type { ZipIndex } from '../stack/zipIndex';

export const LAYER_SCHEME = 'lambda-layer';
/** Files larger than this are not opened in an editor. */
const MAX_OPEN_BYTES = 64 * 1024 * 1024;

/** `lambda-layer://<sha256 hex>/python/requests/__init__.py`: a file of a cached zip. */
export function layerFileUri(codeSha256: string, path: string): vscode.Uri {
  const hex = Buffer.from(codeSha256, 'base64').toString('hex');
  return vscode.Uri.from({ scheme: LAYER_SCHEME, authority: hex, path: `/${path}` });
}

/**
 * A read-only file system over the zips in the cache (layers, function code): nothing is extracted, a file
 * is read from its zip when opened. Works for any zip an analysis, a browse or a comparison downloaded.
 */
export class LayerFileSystem implements vscode.FileSystemProvider {
  private readonly indexes = new Map<string, Promise<ZipIndex>>();
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  constructor(private readonly cache: ZipCache) {}

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { index, path } = await this.locate(uri);
    const file = index.files.find((f) => f.path === path);
    if (file)
      return {
        type: vscode.FileType.File,
        ctime: 0,
        mtime: 0,
        size: file.size,
        permissions: vscode.FilePermission.Readonly,
      };
    if (path === '' || index.files.some((f) => f.path.startsWith(`${path}/`))) {
      return {
        type: vscode.FileType.Directory,
        ctime: 0,
        mtime: 0,
        size: 0,
        permissions: vscode.FilePermission.Readonly,
      };
    }
    throw vscode.FileSystemError.FileNotFound(uri);
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const { index, path } = await this.locate(uri);
    const prefix = path ? `${path}/` : '';
    const children = new Map<string, vscode.FileType>();
    for (const f of index.files) {
      if (!f.path.startsWith(prefix)) continue;
      const rest = f.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      children.set(
        slash < 0 ? rest : rest.slice(0, slash),
        slash < 0 ? vscode.FileType.File : vscode.FileType.Directory,
      );
    }
    return [...children];
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { zipPath, path } = await this.locate(uri);
    const { readZipFile } = await import('../stack/zipIndex');
    try {
      const data = await readZipFile(zipPath, path, MAX_OPEN_BYTES);
      if (!data) throw vscode.FileSystemError.FileNotFound(uri);
      return data;
    } catch (e) {
      if (e instanceof RangeError)
        throw vscode.FileSystemError.NoPermissions(vscode.l10n.t('{0} is too large to open.', path));
      throw e;
    }
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  private async locate(uri: vscode.Uri): Promise<{ index: ZipIndex; zipPath: string; path: string }> {
    if (!/^[0-9a-f]{64}$/.test(uri.authority)) throw vscode.FileSystemError.FileNotFound(uri);
    const zipPath = this.cache.pathOf(Buffer.from(uri.authority, 'hex').toString('base64'));
    let index = this.indexes.get(zipPath);
    if (!index) {
      // The zip reader loads with the first file opened, not at activation (which registers this provider).
      index = import('../stack/zipIndex').then(({ readZipIndex }) => readZipIndex(zipPath));
      this.indexes.set(zipPath, index);
      index.catch(() => this.indexes.delete(zipPath));
    }
    try {
      return { index: await index, zipPath, path: uri.path.replace(/^\/+|\/+$/g, '') };
    } catch {
      // Evicted from the cache: browse the layer version again to download it.
      throw vscode.FileSystemError.FileNotFound(uri);
    }
  }
}
