import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../util/errors';
import type { BuildCache } from './buildCache';
import { redactUrl } from './indexes';
import { pipDownloadArgs, pipInstallArgs } from './installer';
import { runInstaller, type InstallerRun } from './installerRun';

/** One wheel of the resolved set, as pip's installation report names it. */
export interface ResolvedWheel {
  name: string;
  version: string;
  url: string;
  /** Hex SHA-256 of the wheel file (pip reports it for index and local files alike). */
  sha256: string;
  /** Named in the requirements (pip writes REQUESTED for these). */
  requested: boolean;
  /** A direct URL reference (`name @ url`): the `direct_url.json` pip writes for it. */
  directUrl?: string;
}

/** A resolved wheel and where its bytes are on this machine. */
export interface LocatedWheel extends ResolvedWheel {
  path: string;
}

interface ReportItem {
  metadata?: { name?: string; version?: string };
  download_info?: { url?: string; archive_info?: { hashes?: Record<string, string>; hash?: string } };
  requested?: boolean;
  is_direct?: boolean;
}

/**
 * The `install` list of pip's installation report (format version 1), in the resolver's order (pip installs in
 * an order of its own: dependencies first, then by name).
 */
export function parseInstallReport(text: string): ResolvedWheel[] {
  const report = JSON.parse(text) as { version?: string; install?: ReportItem[] };
  if (report.version !== '1' || !Array.isArray(report.install))
    throw new Error(`unexpected pip installation report version ${String(report.version)}`);
  return report.install.map((item) => {
    const url = item.download_info?.url ?? '';
    const name = item.metadata?.name ?? '';
    const sha256 =
      item.download_info?.archive_info?.hashes?.sha256 ??
      /^sha256=([0-9a-f]{64})$/.exec(item.download_info?.archive_info?.hash ?? '')?.[1];
    if (!/\.whl$/i.test(new URL(url, 'file:///').pathname)) {
      throw new UserError(
        l10n.t(
          '{0} resolved to {1}, which is not a wheel. Allow source builds to build it on this machine.',
          name || url,
          redactUrl(url),
        ),
      );
    }
    if (!sha256)
      throw new UserError(
        l10n.t(
          'pip reported no SHA-256 for {0}; the build cannot tell whether its cached copy is the same file.',
          redactUrl(url),
        ),
      );
    return {
      name,
      version: item.metadata?.version ?? '',
      url,
      sha256: sha256.toLowerCase(),
      requested: item.requested === true,
      // The report's download_info of a direct item is what pip writes to direct_url.json (`json.dumps`, sorted).
      ...(item.is_direct ? { directUrl: pythonJson(item.download_info) } : {}),
    };
  });
}

/** Python's `json.dumps(value, sort_keys=True)`: ", " and ": " separators, characters beyond printable ASCII as \uXXXX. */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${pythonJson(k)}: ${pythonJson((value as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  return (JSON.stringify(value) ?? 'null').replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Resolves the requirements with pip for the target (`install --dry-run --report`, the target's platform
 * tags, the user's pip configuration), then finds every wheel: a local file (find-links folder) is read where
 * it is; a wheel the cache holds by its SHA-256 is not fetched again; the rest are fetched with one
 * `pip download` (so proxies, certificates and credentials work as for any pip command) and cached.
 */
export async function resolveWheels(
  run: InstallerRun,
  cache: BuildCache,
  network: { timeoutSeconds: number; retries: number },
): Promise<LocatedWheel[]> {
  const report = join(run.staging.dir, 'report.json');
  const args = pipInstallArgs({
    target: run.target,
    targetDir: join(run.staging.dir, 'python'),
    requirementsPath: run.requirementsPath,
    allowSourceBuilds: false,
    report,
    ...network,
  });
  // The report is complete once pip says what it would install; its exit is not waited for.
  await runInstaller(run, args, { doneAfter: (line) => line.startsWith('Would install') });
  const resolved = parseInstallReport(await fs.readFile(report, 'utf8'));
  const located: LocatedWheel[] = [];
  const missing: ResolvedWheel[] = [];
  for (const wheel of resolved) {
    if (wheel.url.startsWith('file:')) located.push({ ...wheel, path: fileURLToPath(wheel.url) });
    else if (await cache.has(cache.wheelPath(wheel.sha256)))
      located.push({ ...wheel, path: cache.wheelPath(wheel.sha256) });
    else missing.push(wheel);
  }
  if (missing.length > 0) located.push(...(await fetchWheels(run, cache, network, missing)));
  const order = new Map(resolved.map((w, i) => [w.sha256, i]));
  return located.sort((a, b) => order.get(a.sha256)! - order.get(b.sha256)!);
}

async function fetchWheels(
  run: InstallerRun,
  cache: BuildCache,
  network: { timeoutSeconds: number; retries: number },
  wheels: ResolvedWheel[],
): Promise<LocatedWheel[]> {
  const dir = join(run.staging.dir, 'downloads');
  await fs.mkdir(dir, { recursive: true });
  await runInstaller(run, pipDownloadArgs({ target: run.target, dir, urls: wheels.map((w) => w.url), ...network }));
  const located: LocatedWheel[] = [];
  for (const wheel of wheels) {
    const file = join(dir, decodeURIComponent(new URL(wheel.url).pathname.split('/').pop() ?? ''));
    if (!(await cache.putWheel(file, wheel.sha256).catch(() => false))) {
      throw new UserError(
        l10n.t(
          'The downloaded {0} does not match the SHA-256 pip resolved ({1}); nothing was built. Try again.',
          redactUrl(wheel.url),
          wheel.sha256,
        ),
      );
    }
    located.push({ ...wheel, path: cache.wheelPath(wheel.sha256) });
  }
  return located;
}
