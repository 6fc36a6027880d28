import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The user's pip configuration as far as it can change what gets installed. pip reads it itself (we never
 * override it); it is collected here for the cache key and to translate the index settings for uv.
 */
export interface PipConfig {
  /** PIP_* environment variables, sorted by name. */
  env: [string, string][];
  /** Config files pip reads, in pip's order (later wins), with their content. */
  files: { path: string; content: string }[];
  /** Effective [global] + [install] values, then PIP_* variables on top; keys in dashed lower case. */
  values: Record<string, string>;
}

/** Config files pip may read, by kind, in pip's loading order within each kind. */
function pipConfigPaths(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): { global: string[]; user: string[]; site: string[] } {
  if (platform === 'win32') {
    return {
      global: [join(env.ProgramData ?? 'C:\\ProgramData', 'pip', 'pip.ini')],
      user: [join(home, 'pip', 'pip.ini'), ...(env.APPDATA ? [join(env.APPDATA, 'pip', 'pip.ini')] : [])],
      site: env.VIRTUAL_ENV ? [join(env.VIRTUAL_ENV, 'pip.ini')] : [],
    };
  }
  const xdgDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  return {
    global: [
      ...(platform === 'darwin' ? ['/Library/Application Support/pip/pip.conf'] : []),
      ...xdgDirs.map((dir) => join(dir, 'pip', 'pip.conf')),
      '/etc/pip.conf',
    ],
    user: [
      join(home, '.pip', 'pip.conf'),
      ...(platform === 'darwin' ? [join(home, 'Library', 'Application Support', 'pip', 'pip.conf')] : []),
      join(env.XDG_CONFIG_HOME || join(home, '.config'), 'pip', 'pip.conf'),
    ],
    site: env.VIRTUAL_ENV ? [join(env.VIRTUAL_ENV, 'pip.conf')] : [],
  };
}

export async function readPipConfig(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): Promise<PipConfig> {
  const pipEnv = Object.entries(env)
    .filter((e): e is [string, string] => e[0].startsWith('PIP_') && e[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const configFile = env.PIP_CONFIG_FILE;
  const files: PipConfig['files'] = [];
  // PIP_CONFIG_FILE=/dev/null (os.devnull) makes pip load no file at all.
  if (configFile?.toLowerCase() !== (platform === 'win32' ? 'nul' : '/dev/null')) {
    const envFile = configFile ? await readIfExists(configFile) : undefined;
    const paths = pipConfigPaths(env, platform, home);
    // pip skips the user files when PIP_CONFIG_FILE names an existing file.
    const candidates = [...paths.global, ...(envFile === undefined ? paths.user : []), ...paths.site];
    for (const path of candidates) {
      const content = await readIfExists(path);
      if (content !== undefined) files.push({ path, content });
    }
    if (configFile && envFile !== undefined) files.push({ path: configFile, content: envFile });
  }
  const values: Record<string, string> = {};
  for (const f of files) Object.assign(values, iniValues(f.content));
  for (const [name, value] of pipEnv) {
    const key = name.slice(4).toLowerCase().replace(/_/g, '-');
    if (key !== 'config-file') values[key] = value;
  }
  return { env: pipEnv, files, values };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** [global] then [install] of a pip INI file; indented lines continue the previous value (multi-line lists). */
export function iniValues(text: string): Record<string, string> {
  const sections: Record<string, Record<string, string>> = {};
  let section = '';
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || !raw.trim()) continue;
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (header) {
      section = header[1].trim().toLowerCase();
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && lastKey) {
      sections[section][lastKey] = `${sections[section][lastKey]} ${raw.trim()}`.trim();
      continue;
    }
    const kv = /^\s*([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!kv) continue;
    lastKey = kv[1].toLowerCase().replace(/_/g, '-');
    (sections[section] ??= {})[lastKey] = kv[2].trim();
  }
  return { ...sections.global, ...sections.install };
}

/** Space- or newline-separated list values (extra-index-url, find-links, trusted-host). */
export function listValue(value: string | undefined): string[] {
  return value ? value.split(/\s+/).filter(Boolean) : [];
}

/** pip's boolean parsing for config and PIP_* values. */
export function boolValue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}
