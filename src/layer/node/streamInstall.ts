import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import { posix } from 'node:path';
import { UserError, errorMessage, isCancellation, throwIfAborted } from '../../util/errors';
import { concurrencyLimiter } from '../../util/pool';
import type { BuildCache } from '../buildCache';
import type { LayerFile } from '../content';
import { redactUrl } from '../indexes';
import type { StagedLink } from '../scan';
import { SHARE, type StageContext } from '../stager';
import type { FetchSettings } from './fetchSettings';
import { installTimeBuild, type PackageManifest } from './installScripts';
import { fitsTarget, type BinOwner, type PlannedPackage } from './lockPlan';
import { installedPackage, packageDirOf, type InstalledPackage } from './packages';
import { registryClient } from './registryFetch';
import {
  TarballTooLarge,
  TarballUnreadable,
  matchesIntegrity,
  npmCacheContentPaths,
  tarballFiles,
  type TarballFile,
} from './tarball';
import { UNZIPPED_LIMIT, unzippedLimitMessage } from '../manifest';

export interface StreamedInstall {
  files: LayerFile[];
  links: StagedLink[];
  installed: InstalledPackage[];
  /** The cached tarballs this build used. */
  cacheFiles: string[];
}

/**
 * The packages a lockfile plan names, straight from their tarballs into the layer's file list: each tarball is
 * taken from the build cache, npm's cache or the registry (npm's URL, credentials and TLS settings), checked against the
 * lockfile's integrity, kept in the cache and unpacked in memory; nothing is written to node_modules, and no
 * package code runs. A package that turns out to need its install scripts (or to be for another platform
 * while the lockfile says otherwise) returns `npmNeeded`, and npm installs instead.
 */
export async function streamInstall(
  plan: readonly PlannedPackage[],
  settings: FetchSettings,
  cache: BuildCache,
  context: Pick<StageContext, 'signal' | 'progress'>,
  cpu: string,
  bundled: readonly BinOwner[] = [],
): Promise<StreamedInstall | { npmNeeded: string; unavailable?: UnavailableOptional }> {
  const { signal } = context;
  const client = registryClient(settings);
  const limit = concurrencyLimiter(settings.concurrency);
  const cacheFiles: string[] = [];
  const sizes: { p: PlannedPackage; size: number }[] = [];
  let total = 0;
  const tooLarge = (so: { p: PlannedPackage; size: number }[]) =>
    new UserError(
      unzippedLimitMessage(
        so.reduce((n, s) => n + s.size, 0),
        so.map(({ p, size }) => ({ name: p.name, version: p.version, size, files: 0, topLevel: [] })),
      ),
    );
  const step = SHARE.install / Math.max(1, plan.length);
  let owed = 0;
  // The first failure stops the other downloads, and nothing is left running (or writing to the cache) after the
  // build has failed or been cancelled.
  const stop = new AbortController();
  const forward = () => stop.abort();
  signal?.addEventListener('abort', forward, { once: true });
  let firstError: unknown;
  const settled = await Promise.allSettled(
    plan.map((p) =>
      limit(async () => {
        try {
          throwIfAborted(stop.signal);
          const { bytes, cached } = await tarballOf(p, settings, cache, client, stop.signal).catch((e: unknown) => {
            throw p.optional && !isCancellation(e) ? new OptionalUnavailable(p, e) : e;
          });
          cacheFiles.push(cached);
          const files = await tarballFiles(bytes).catch((e: unknown) => {
            if (e instanceof TarballTooLarge) throw tooLarge([{ p, size: e.maxBytes + 1 }]);
            if (e instanceof TarballUnreadable)
              throw new UserError(
                l10n.t(
                  'The tarball of {0} is not a package archive npm can unpack ({1}); its integrity matches the lockfile, so this is what the registry has. Depend on another version (npm install) and build again.',
                  `${p.name}@${p.version}`,
                  e.message,
                ),
              );
            throw e;
          });
          const size = files.reduce((n, f) => n + f.data.length, 0);
          sizes.push({ p, size });
          total += size;
          // Past Lambda's limit the build fails anyway: stop before every remaining package is in memory.
          if (total > UNZIPPED_LIMIT) throw tooLarge(sizes);
          owed += step;
          if (owed >= 1) {
            context.progress({ message: l10n.t('Unpacked {0}@{1}', p.name, p.version), increment: Math.floor(owed) });
            owed -= Math.floor(owed);
          }
          return { p, files };
        } catch (e) {
          if (!stop.signal.aborted) {
            firstError = e;
            stop.abort();
          }
          throw e;
        }
      }),
    ),
  );
  signal?.removeEventListener('abort', forward);
  client.close();
  throwIfAborted(signal);
  // npm ci leaves out an optional package it cannot fetch (or whose bytes fail the integrity): npm decides.
  if (firstError instanceof OptionalUnavailable)
    return {
      npmNeeded: l10n.t(
        'the optional package {0} could not be fetched ({1})',
        `${firstError.p.name}@${firstError.p.version}`,
        errorMessage(firstError.cause),
      ),
      unavailable: {
        location: firstError.p.location,
        name: firstError.p.name,
        version: firstError.p.version,
        reason: errorMessage(firstError.cause),
      },
    };
  if (firstError !== undefined) throw firstError;
  const unpacked = settled.map((r) => (r as PromiseFulfilledResult<{ p: PlannedPackage; files: TarballFile[] }>).value);

  const files: LayerFile[] = [];
  for (const { p, files: own } of unpacked) {
    const manifest = parseManifest(own.find((f) => f.path === 'package.json')?.data);
    const needs = installTimeBuild(manifest, {
      hasBindingGyp: own.some((f) => f.path === 'binding.gyp'),
      hasTargetPrebuild: false,
    });
    const scripts = manifest.scripts ?? {};
    if (needs || ['preinstall', 'install', 'postinstall'].some((s) => typeof scripts[s] === 'string'))
      return { npmNeeded: l10n.t('{0} has install scripts', `${p.name}@${p.version}`) };
    if (!fitsTarget(manifest as Parameters<typeof fitsTarget>[0], cpu))
      return {
        npmNeeded: l10n.t('{0} is for another platform than its lockfile entry says', `${p.name}@${p.version}`),
      };
    files.push(...packageFiles(p, own, plan));
  }
  const owners = [...plan, ...bundled].sort((a, b) => (a.location < b.location ? -1 : 1));
  const links = settings.binLinks ? binLinks(owners, new Set(files.map((f) => f.path))) : [];
  return { files: linkedBins(files, links), links, installed: installedPackages(files), cacheFiles };
}

/** An optional package that could not be fetched: npm ci leaves it out, and the build says so. */
export interface UnavailableOptional {
  /** Its folder, as in PlannedPackage. */
  location: string;
  name: string;
  version: string;
  reason: string;
}

class OptionalUnavailable extends Error {
  constructor(
    readonly p: PlannedPackage,
    readonly cause: unknown,
  ) {
    super(errorMessage(cause));
  }
}

async function tarballOf(
  p: PlannedPackage,
  settings: FetchSettings,
  cache: BuildCache,
  client: ReturnType<typeof registryClient>,
  signal?: AbortSignal,
): Promise<{ bytes: Buffer; cached: string }> {
  const cached = cache.tarballPath(p.integrity);
  if (await cache.has(cached)) {
    const bytes = await fs.readFile(cached).catch(() => undefined);
    if (bytes && matchesIntegrity(bytes, p.integrity)) return { bytes, cached };
  }
  const fromNpm = await fromNpmCache(settings.npmCache, p.integrity);
  if (fromNpm) {
    await cache.write(cached, (temp) => fs.writeFile(temp, fromNpm));
    return { bytes: fromNpm, cached };
  }
  const url = settings.tarballUrl(p.url, p.name);
  const bytes = await client.get(url, signal);
  if (!matchesIntegrity(bytes, p.integrity))
    throw new UserError(
      l10n.t(
        'The tarball of {0} from {1} does not match the integrity in package-lock.json: the registry serves other bytes than when the lockfile was written. If the package was republished, run "npm install" in the project to update the lockfile; otherwise check the registry (or mirror) and build again.',
        `${p.name}@${p.version}`,
        redactUrl(url),
      ),
    );
  await cache.write(cached, (temp) => fs.writeFile(temp, bytes));
  return { bytes, cached };
}

/** A tarball npm fetched before, from its cache, when its bytes match the integrity. */
async function fromNpmCache(npmCache: string | undefined, integrity: string): Promise<Buffer | undefined> {
  if (!npmCache) return undefined;
  for (const path of npmCacheContentPaths(npmCache, integrity)) {
    const bytes = await fs.readFile(path).catch(() => undefined);
    if (bytes && matchesIntegrity(bytes, integrity)) return bytes;
  }
  return undefined;
}

type Manifest = PackageManifest & Record<string, unknown>;

function parseManifest(data: Buffer | undefined): Manifest {
  try {
    const parsed = JSON.parse(data?.toString('utf8') ?? '{}') as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Manifest) : {};
  } catch {
    return {};
  }
}

/** Every package folder with a package.json (bundled dependencies inside a tarball too), as npm installed it. */
function installedPackages(files: readonly LayerFile[]): InstalledPackage[] {
  return files
    .filter((f) => f.path === `${packageDirOf(f.path)}/package.json` && 'data' in f.source)
    .map((f) =>
      installedPackage(f.path.slice(0, -'/package.json'.length), parseManifest((f.source as { data: Buffer }).data)),
    );
}

/**
 * A package's files at their place in the layer, but for what its tarball has in the folder of another package
 * of the plan (a tarball that ships its own copy of a dependency without bundling it): npm unpacks both into that
 * folder at once, so which file wins is a race there; here the lockfile's package owns its folder.
 */
export function packageFiles(
  p: PlannedPackage,
  own: readonly TarballFile[],
  plan: readonly PlannedPackage[],
): LayerFile[] {
  const nested = plan.map((o) => o.location).filter((l) => l.startsWith(`${p.location}/`));
  return own
    .map((f) => ({
      path: `${p.location}/${f.path}`,
      size: f.data.length,
      executable: f.executable,
      source: { data: f.data },
    }))
    .filter((f) => !nested.some((l) => f.path === l || f.path.startsWith(`${l}/`)));
}

/**
 * `node_modules/.bin/<command>` → `../<package>/<file>` for each package's commands, in the folder that holds
 * the package (as npm links them); a command two packages there claim goes to the first by location.
 */
export function binLinks(plan: readonly BinOwner[], present: ReadonlySet<string>): StagedLink[] {
  const links = new Map<string, StagedLink>();
  for (const p of plan) {
    const cut = p.location.lastIndexOf('node_modules/') + 'node_modules/'.length;
    const holder = p.location.slice(0, cut - 1);
    for (const [command, file] of Object.entries(p.bin)) {
      const inside = posix.normalize(file.replace(/\\/g, '/'));
      if (!/^[^/\\]+$/.test(command) || command.startsWith('.') || inside.startsWith('../') || inside.startsWith('/'))
        continue;
      if (!present.has(`${p.location}/${inside.replace(/^\.\//, '')}`)) continue;
      const path = `${holder}/.bin/${command}`;
      // A file a tarball put there stays, as bin-links (without --force) leaves it.
      if (!links.has(path) && !present.has(path) && !present.has(`${holder}/.bin`))
        links.set(path, { path, target: `../${p.location.slice(cut)}/${inside.replace(/^\.\//, '')}` });
    }
  }
  return [...links.values()];
}

/**
 * What npm's bin-links does to the target of each link it makes: executable, and a hashbang line ending in CRLF
 * (a package packed on Windows) turned into LF, which Linux's `env` would otherwise read as "node\r". Files no
 * link points at stay as packed.
 */
export function linkedBins(files: readonly LayerFile[], links: readonly StagedLink[]): LayerFile[] {
  const targets = new Set(links.map((l) => posix.join(posix.dirname(l.path), l.target)));
  return files.map((f) => {
    if (!targets.has(f.path) || !('data' in f.source)) return f;
    const data = unixHashbang(f.source.data);
    return { ...f, executable: true, size: data.length, source: { data } };
  });
}

/** bin-links' check reads the first 2048 bytes; its rewrite goes through a UTF-8 string. */
function unixHashbang(data: Buffer): Buffer {
  if (!/^#![^\n]+\r\n/.test(data.subarray(0, 2048).toString())) return data;
  return Buffer.from(data.toString('utf8').replace(/^(#![^\n]+)\r\n/, '$1\n'));
}
