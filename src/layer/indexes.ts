import { dirname, relative } from 'node:path';
import { boolValue, listValue, type PipConfig } from './pipConfig';
import type { LoadedRequirements } from './requirements';

export const DEFAULT_INDEX = 'https://pypi.org/simple';

/** One place a build looked for packages, for the manifest and the report. */
export interface PackageSource {
  kind: 'index' | 'find-links';
  /** With any user name and password in it replaced by "***". */
  url: string;
  /** Where it was set: a requirements file (relative to the root file's folder), a PIP_* variable, "pip.conf", or "default". */
  from: string;
}

/** "https://user:pass@host/simple" → "https://***@host/simple": credentials never reach a manifest or a log. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1***@');
}

/**
 * The indexes and find-links locations the installer uses, as pip combines them: the user's pip settings
 * (PIP_* variables over pip.conf, PyPI when nothing is set), then each requirements file's option lines in
 * reading order. A file's --index-url replaces every index before it, --extra-index-url and --find-links add
 * one, and --no-index drops the indexes (find-links stay).
 */
export function packageSources(pipConfig: PipConfig, requirements: LoadedRequirements): PackageSource[] {
  const v = pipConfig.values;
  const setIn = (key: string) => {
    const name = `PIP_${key.toUpperCase().replace(/-/g, '_')}`;
    return pipConfig.env.some(([n]) => n === name) ? name : 'pip.conf';
  };
  let indexes: PackageSource[] = v['index-url']
    ? [{ kind: 'index', url: v['index-url'], from: setIn('index-url') }]
    : [{ kind: 'index', url: DEFAULT_INDEX, from: 'default' }];
  indexes.push(
    ...listValue(v['extra-index-url']).map((url) => ({ kind: 'index' as const, url, from: setIn('extra-index-url') })),
  );
  const findLinks: PackageSource[] = listValue(v['find-links']).map((url) => ({
    kind: 'find-links',
    url,
    from: setIn('find-links'),
  }));
  let noIndex = boolValue(v['no-index']);
  const root = dirname(requirements.files[0]?.path ?? '.');
  for (const entry of requirements.indexes) {
    const from = relative(root, entry.file).replace(/\\/g, '/');
    if (entry.option === 'no-index') noIndex = true;
    else if (entry.option === 'index-url') indexes = [{ kind: 'index', url: entry.url, from }];
    else if (entry.option === 'extra-index-url') indexes.push({ kind: 'index', url: entry.url, from });
    else findLinks.push({ kind: 'find-links', url: entry.url, from });
  }
  return [...(noIndex ? [] : indexes), ...findLinks].map((s) => ({ ...s, url: redactUrl(s.url) }));
}
