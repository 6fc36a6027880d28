// The file names a package source lists for one project: a find-links folder's entries, a find-links page's
// links, or an index's project page (PEP 691 JSON, else PEP 503 HTML). Used only after pip found nothing, to say
// why (resolveErrors.ts); a source that cannot be read is skipped.
import { promises as fs } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PackageSource } from './indexes';
import { normalizeName, parseDistFilename } from './resolveErrors';

const LOOKUP_TIMEOUT_MS = 5000;

/** Every file of `project` the sources list, or undefined when no source could be read. */
export async function listDistributionFiles(
  sources: readonly PackageSource[],
  project: string,
  signal?: AbortSignal,
): Promise<string[] | undefined> {
  const wanted = normalizeName(project);
  const lists = await Promise.all(sources.map((source) => filesOf(source, wanted, signal).catch(() => undefined)));
  const read = lists.filter((l): l is string[] => l !== undefined);
  if (read.length === 0) return undefined;
  return [...new Set(read.flat())].filter((name) => parseDistFilename(name)?.project === wanted);
}

async function filesOf(source: PackageSource, project: string, signal?: AbortSignal): Promise<string[]> {
  const { url } = source;
  if (source.kind === 'find-links') {
    if (!/^https?:/i.test(url)) return fs.readdir(url.startsWith('file:') ? fileURLToPath(url) : url);
    return linksOf(await fetchText(url, signal));
  }
  const page = `${url.replace(/\/+$/, '')}/${project}/`;
  const response = await fetch(page, {
    headers: { Accept: 'application/vnd.pypi.simple.v1+json, text/html;q=0.1' },
    signal: withTimeout(signal),
  });
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`${page}: HTTP ${response.status}`);
  const body = await response.text();
  if (/json/.test(response.headers.get('content-type') ?? '')) {
    return ((JSON.parse(body) as { files?: { filename?: string }[] }).files ?? []).flatMap((f) =>
      f.filename ? [f.filename] : [],
    );
  }
  return linksOf(body);
}

async function fetchText(url: string, signal?: AbortSignal): Promise<string> {
  const response = await fetch(url, { signal: withTimeout(signal) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

/** The file names of a simple HTML page's links (fragments such as #sha256=… dropped). */
export function linksOf(html: string): string[] {
  return [...html.matchAll(/<a\s[^>]*href\s*=\s*["']([^"'#?]+)/gi)].map((m) => decodeURIComponent(basename(m[1])));
}

function withTimeout(signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(LOOKUP_TIMEOUT_MS);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
