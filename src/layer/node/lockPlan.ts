import * as l10n from '@vscode/l10n';
import satisfies from 'semver/functions/satisfies';
import validRange from 'semver/ranges/valid';
import type { NodeTarget } from '../runtimes';
import { npmCpu } from './npmArgs';
import { packageNameAt } from './packages';

/** One entry of package-lock.json's `packages` map (lockfileVersion 2 and 3). */
export interface LockEntry {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  inBundle?: boolean;
  hasInstallScript?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin?: Record<string, string> | string;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

/** A package the layer gets from its registry tarball. */
export interface PlannedPackage {
  /** Its folder, relative to `nodejs/`: "node_modules/a" or "node_modules/a/node_modules/b". */
  location: string;
  name: string;
  version: string;
  url: string;
  integrity: string;
  /** Command name → path inside the package, for `node_modules/.bin`. */
  bin: Record<string, string>;
  /** Only optional dependencies lead to it: npm leaves it out when it cannot be fetched. */
  optional?: boolean;
}

/** A package whose commands get `.bin` links: a planned one, or one bundled inside its parent's tarball. */
export type BinOwner = Pick<PlannedPackage, 'location' | 'bin'>;

/** What `npm ci --omit=dev` would install for the target, or why only npm itself can tell. */
export type LockPlan = { packages: PlannedPackage[]; bundled: BinOwner[]; skipped: string[] } | { npmNeeded: string };

type Root = Pick<LockEntry, 'dependencies' | 'optionalDependencies' | 'devDependencies' | 'peerDependencies'> & {
  overrides?: unknown;
};

/**
 * Reads the packages `npm ci --omit=dev --os=linux --cpu=… --libc=glibc` installs from a lockfile: the tree the
 * lockfile records, walked from the project's production dependencies, without optional packages for another
 * platform (and what needs them). Anything this model does not cover (older lockfiles, links, git or file
 * dependencies, install scripts, a lockfile out of step with package.json, a package for another platform that
 * is not optional) returns `npmNeeded`: npm then installs, and says what is wrong if something is. The lockfile's
 * own dev/optional flags are checked against the walk, so a disagreement with npm's rules also falls back.
 */
export function planFromLockfile(
  lockText: string,
  packageJson: Root,
  target: Pick<NodeTarget, 'architecture'>,
): LockPlan {
  let lock: { lockfileVersion?: unknown; packages?: Record<string, LockEntry> };
  try {
    lock = JSON.parse(lockText.replace(/^\uFEFF/, '')) as typeof lock;
  } catch {
    return { npmNeeded: l10n.t('the lockfile is not valid JSON') };
  }
  const packages = lock.packages;
  if (typeof lock.lockfileVersion !== 'number' || lock.lockfileVersion < 2 || !packages || typeof packages !== 'object')
    return {
      npmNeeded: l10n.t(
        'lockfileVersion {0} has no "packages" map (npm 7 or later writes one)',
        String(lock.lockfileVersion),
      ),
    };
  const root = packages[''] ?? {};
  for (const field of ['dependencies', 'optionalDependencies', 'devDependencies', 'peerDependencies'] as const) {
    if (!sameSpecs(root[field], packageJson[field]))
      return { npmNeeded: l10n.t('package.json and the lockfile list different {0}', field) };
  }
  const cpu = npmCpu(target);
  const excluded = excludedLocations(packages, cpu);

  const reached = new Set<string>();
  const queue: string[] = [''];
  const rootEdges = edgesOf(root, true);
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i];
    for (const edge of from === '' ? rootEdges : edgesOf(packages[from], false)) {
      const at = resolveFrom(packages, from, edge.name);
      if (at === undefined) {
        if (edge.optional) continue;
        return { npmNeeded: l10n.t('{0}, needed by {1}, is not in the lockfile', edge.name, from || 'package.json') };
      }
      if (excluded.has(at)) {
        if (edge.optional) continue;
        return { npmNeeded: l10n.t('{0} is not for Linux {1} (glibc) and is not optional', at, cpu) };
      }
      // npm takes bundled packages as their parent's tarball has them; overrides change what is asked for.
      const checked = packageJson.overrides === undefined && !packages[from]?.inBundle && !packages[at].inBundle;
      if (checked && !meets(packages[at].version, edge.spec))
        return {
          npmNeeded: l10n.t(
            'the lockfile has {0} at {1}, where {2} asks for {3}',
            `${packages[at].name ?? edge.name}@${packages[at].version ?? '?'}`,
            at,
            from || 'package.json',
            edge.spec,
          ),
        };
      if (reached.has(at)) continue;
      reached.add(at);
      queue.push(at);
    }
  }

  const planned: PlannedPackage[] = [];
  const bundled: BinOwner[] = [];
  for (const location of [...reached].sort()) {
    const entry = packages[location];
    if (entry.dev)
      return {
        npmNeeded: l10n.t('the lockfile marks {0} as a dev dependency, but production code needs it', location),
      };
    if (entry.inBundle) {
      bundled.push({ location, bin: binsOf(entry, location) }); // the files come inside its parent's tarball
      continue;
    }
    if (entry.link) return { npmNeeded: l10n.t('{0} is a link to a local folder', location) };
    if (entry.hasInstallScript) return { npmNeeded: l10n.t('{0} has install scripts', location) };
    if (!entry.resolved || !/^https?:\/\//.test(entry.resolved) || !entry.integrity || !entry.version)
      return { npmNeeded: l10n.t('{0} has no registry tarball with an integrity in the lockfile', location) };
    planned.push({
      location,
      name: entry.name ?? packageNameAt(location),
      version: entry.version,
      url: entry.resolved,
      integrity: entry.integrity,
      bin: binsOf(entry, location),
      optional: !!(entry.optional || entry.devOptional),
    });
  }
  for (const [location, entry] of Object.entries(packages)) {
    if (location === '' || reached.has(location) || entry.dev || entry.optional || entry.devOptional) continue;
    if (!location.includes('node_modules/')) continue; // a workspace folder, refused earlier
    return { npmNeeded: l10n.t('the lockfile installs {0} for production, which nothing here needs', location) };
  }
  const skipped = [...excluded].filter((l) => !reached.has(l) && !packages[l].dev).sort();
  return { packages: planned, bundled, skipped };
}

interface Edge {
  name: string;
  spec: string;
  optional: boolean;
}

function edgesOf(entry: LockEntry | undefined, isRoot: boolean): Edge[] {
  if (!entry) return [];
  const optionalPeers = entry.peerDependenciesMeta ?? {};
  const edges = (specs: Record<string, string> | undefined, optional: boolean) =>
    Object.entries(specs ?? {}).map(([name, spec]) => ({ name, spec: String(spec), optional }));
  return [
    ...edges(entry.dependencies, false),
    ...edges(entry.optionalDependencies, true),
    // Optional peers are installed only when something else brings them; the walk finds those through that path.
    ...edges(entry.peerDependencies, false).filter((e) => !optionalPeers[e.name]?.optional),
  ].filter((e, i, all) => !(isRoot && all.findIndex((o) => o.name === e.name) !== i));
}

/**
 * Arborist's check of a locked version against the spec asking for it: "*" (and "") take anything, a range or
 * version (loose, as npm parses them; an alias's own) must be satisfied; tags, URLs, git and file specs, and
 * entries without a version (links), are npm's to judge when it installs.
 */
function meets(version: string | undefined, spec: string): boolean {
  const alias = /^npm:@?[^@]+(?:@(.*))?$/.exec(spec);
  const wanted = alias ? (alias[1] ?? '') : spec;
  if (version === undefined || wanted === '' || wanted === '*' || validRange(wanted, true) === null) return true;
  return satisfies(version, wanted, true);
}

/** Node's lookup: `<from>/node_modules/<name>`, then the same from each enclosing package folder up to the root. */
function resolveFrom(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === '') return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

/**
 * Packages npm leaves out for this platform: those whose os/cpu/libc do not match Linux, the target's CPU and
 * glibc, and (as npm removes the optional subtree that cannot install) every package that requires one of them.
 */
function excludedLocations(packages: Record<string, LockEntry>, cpu: string): Set<string> {
  const excluded = new Set(
    Object.entries(packages)
      .filter(([l, e]) => l !== '' && !fitsTarget(e, cpu))
      .map(([l]) => l),
  );
  for (let changed = true; changed;) {
    changed = false;
    for (const [location, entry] of Object.entries(packages)) {
      if (location === '' || excluded.has(location)) continue;
      const requires = edgesOf(entry, false).filter((e) => !e.optional);
      if (requires.some((e) => excluded.has(resolveFrom(packages, location, e.name) ?? ''))) {
        excluded.add(location);
        changed = true;
      }
    }
  }
  return excluded;
}

/** npm's platform rule for one field: a "!x" entry that matches refuses; otherwise one plain entry must match. */
function allows(list: unknown, value: string): boolean {
  if (!Array.isArray(list) || list.length === 0) return true;
  const values = list.filter((v): v is string => typeof v === 'string');
  if (values.some((v) => v === `!${value}`)) return false;
  const positive = values.filter((v) => !v.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}

export function fitsTarget(entry: Pick<LockEntry, 'os' | 'cpu' | 'libc'>, cpu: string): boolean {
  return allows(entry.os, 'linux') && allows(entry.cpu, cpu) && allows(entry.libc, 'glibc');
}

function sameSpecs(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) =>
    JSON.stringify(
      Object.entries(v && typeof v === 'object' ? (v as Record<string, unknown>) : {}).sort(([x], [y]) =>
        x < y ? -1 : x > y ? 1 : 0,
      ),
    );
  return norm(a) === norm(b);
}

/** The lockfile's `bin` (npm writes the map form; a string names the package's own command). */
function binsOf(entry: LockEntry, location: string): Record<string, string> {
  if (typeof entry.bin === 'string') {
    const name = (entry.name ?? packageNameAt(location)).replace(/^@[^/]+\//, '');
    return { [name]: entry.bin };
  }
  return entry.bin && typeof entry.bin === 'object' ? entry.bin : {};
}
