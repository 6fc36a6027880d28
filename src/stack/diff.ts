import { normalizeName } from '../invoke/distInfo';
import type { StackPackage, ZipContents } from './packages';

export type ChangeKind = 'added' | 'removed' | 'upgraded' | 'downgraded' | 'changed' | 'unchanged';

export interface PackageChange {
  name: string;
  ecosystem: 'python' | 'node';
  kind: ChangeKind;
  before?: { version: string; size: number };
  after?: { version: string; size: number };
  /** after.size − before.size (a removed package counts negative). */
  sizeDelta: number;
}

export interface ContentsDiff {
  unzippedBefore: number;
  unzippedAfter: number;
  /** Changed packages first (added, removed, upgraded, downgraded, changed), then unchanged ones; by name within each. */
  changes: PackageChange[];
}

const ORDER: ChangeKind[] = ['added', 'removed', 'upgraded', 'downgraded', 'changed', 'unchanged'];

/** What changes between two zips' packages: added, removed, up- or downgraded, and the size change of each. */
export function diffContents(before: ZipContents, after: ZipContents): ContentsDiff {
  const a = byKey(before.packages);
  const b = byKey(after.packages);
  const changes: PackageChange[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    const p = (y ?? x)!;
    const change: PackageChange = {
      name: p.name,
      ecosystem: p.ecosystem,
      kind: kindOf(x, y),
      ...(x ? { before: { version: x.version, size: x.size } } : {}),
      ...(y ? { after: { version: y.version, size: y.size } } : {}),
      sizeDelta: (y?.size ?? 0) - (x?.size ?? 0),
    };
    changes.push(change);
  }
  changes.sort((m, n) => ORDER.indexOf(m.kind) - ORDER.indexOf(n.kind) || m.name.localeCompare(n.name));
  return { unzippedBefore: before.unzippedBytes, unzippedAfter: after.unzippedBytes, changes };
}

function kindOf(x: StackPackage | undefined, y: StackPackage | undefined): ChangeKind {
  if (!x) return 'added';
  if (!y) return 'removed';
  const c = compareVersions(x.version, y.version);
  if (c < 0) return 'upgraded';
  if (c > 0) return 'downgraded';
  return x.size === y.size ? 'unchanged' : 'changed';
}

/** The first copy of each package by search order (searchRoots lists site-packages before python/). */
function byKey(packages: readonly StackPackage[]): Map<string, StackPackage> {
  const map = new Map<string, StackPackage>();
  for (const p of packages) {
    const key = `${p.ecosystem}:${normalizeName(p.name)}`;
    if (!map.has(key)) map.set(key, p);
  }
  return map;
}

/**
 * Orders two versions the way PEP 440 and semver mostly agree: release numbers numerically ("1.10" > "1.9"),
 * then a pre-release (a, b, rc, dev, "-beta") before the release, a post-release (".post1") after it.
 */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < Math.max(pa.release.length, pb.release.length); i++) {
    const d = (pa.release[i] ?? 0) - (pb.release[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (pa.phase !== pb.phase) return Math.sign(pa.phase - pb.phase);
  return pa.rest < pb.rest ? -1 : pa.rest > pb.rest ? 1 : 0;
}

function parseVersion(v: string): { release: number[]; phase: number; rest: string } {
  const m = /^v?(\d+(?:\.\d+)*)(.*)$/i.exec(v.trim());
  if (!m) return { release: [], phase: 0, rest: v };
  const rest = m[2].toLowerCase().replace(/^[-._+]/, '');
  const phase =
    rest === '' ? 1 : /^(a|b|c|rc|alpha|beta|pre|preview|dev)/.test(rest) ? 0 : /^(post|rev|r)/.test(rest) ? 2 : 1;
  return { release: m[1].split('.').map(Number), phase, rest };
}
