import * as l10n from '@vscode/l10n';
import type { SourceKind, StackModule, ZipContents } from './packages';
import { runtimePackages, runtimePackagesPath } from './runtimePackages';

/** The function's code or one attached layer version, with what its zip holds. */
export interface StackSource {
  /** "function", or the layer version ARN. */
  source: string;
  kind: SourceKind;
  contents: ZipContents;
}

/** Where the runtime's own packages count as a source. */
export const RUNTIME_SOURCE = 'runtime';

export interface Provider {
  source: string;
  /** The folder as the function sees it: /var/task, /opt/python, /var/runtime, … */
  path: string;
  version?: string;
}

export interface ShadowedModule {
  module: string;
  ecosystem: 'python' | 'node';
  /** In Lambda's search order: the first one is what `import`/`require` loads. */
  providers: Provider[];
  winner: string;
  /** The providers do not all have the same version: some source gets a version it was not built with. */
  conflict: boolean;
}

interface Candidate extends Provider {
  ecosystem: 'python' | 'node';
  module: string;
  rank: number;
}

/**
 * Every top-level module more than one source provides, with the winner by Lambda's search order:
 * /var/task first; then /opt/python/lib/python3.X/site-packages, then /opt/python (Node.js: /opt/nodejs/nodeNN/node_modules,
 * then /opt/nodejs/node_modules), where a later layer's files overwrite an earlier one's; then the runtime's own packages.
 * A site-packages folder for another Python minor is not on sys.path and provides nothing.
 */
export function findShadowing(runtime: string | undefined, sources: readonly StackSource[]): ShadowedModule[] {
  return resolveModules(runtime, sources).filter((m) => new Set(m.providers.map((p) => p.source)).size > 1);
}

/** Every top-level module the function can import from its code, layers or runtime, with its providers in search order. */
export function resolveModules(runtime: string | undefined, sources: readonly StackSource[]): ShadowedModule[] {
  const python = /^python(3\.\d+)$/.exec(runtime ?? '')?.[1];
  const node = /^nodejs(\d+)\.x$/.exec(runtime ?? '')?.[1];
  const candidates: Candidate[] = [];
  const layerCount = sources.filter((s) => s.kind === 'layer').length;
  let layerIndex = 0;
  for (const s of sources) {
    const order = s.kind === 'layer' ? layerIndex++ : 0;
    for (const m of s.contents.modules) {
      if (runtime && ((python && m.ecosystem !== 'python') || (node && m.ecosystem !== 'node'))) continue;
      const tier = tierOf(s.kind, m, python, node);
      if (tier === undefined) continue;
      // Within one /opt folder the last layer's copy is the one left on disk.
      const rank = tier * 100 + (s.kind === 'layer' ? layerCount - order : 0);
      candidates.push({
        ecosystem: m.ecosystem,
        module: m.name,
        source: s.source,
        path: pathOf(s.kind, m.dir),
        version: m.version,
        rank,
      });
    }
  }
  for (const p of runtimePackages(runtime)) {
    const path = runtimePackagesPath(p.ecosystem);
    for (const module of p.modules)
      candidates.push({ ecosystem: p.ecosystem, module, source: RUNTIME_SOURCE, path, version: p.version, rank: 900 });
  }

  const byModule = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const key = `${c.ecosystem}:${c.module}`;
    byModule.set(key, [...(byModule.get(key) ?? []), c]);
  }
  const resolved: ShadowedModule[] = [];
  for (const list of byModule.values()) {
    list.sort((a, b) => a.rank - b.rank);
    const providers = list.map(({ source, path, version }) => ({ source, path, ...(version ? { version } : {}) }));
    const versions = new Set(list.map((c) => c.version ?? ''));
    resolved.push({
      module: list[0].module,
      ecosystem: list[0].ecosystem,
      providers,
      winner: list[0].source,
      conflict: versions.size > 1,
    });
  }
  return resolved.sort((a, b) => a.module.localeCompare(b.module));
}

/** The position of a module's folder in the search order, or undefined when the runtime never looks there. */
function tierOf(kind: SourceKind, m: StackModule, python?: string, node?: string): number | undefined {
  if (kind === 'function') return m.dir === '' || m.dir === 'node_modules' ? 0 : undefined;
  if (m.ecosystem === 'python') {
    if (m.pythonMinor !== undefined) return python === undefined || python === m.pythonMinor ? 1 : undefined;
    return 2;
  }
  const major = /^nodejs\/node(\d+)\/node_modules$/.exec(m.dir)?.[1];
  if (major !== undefined) return node === undefined || node === major ? 1 : undefined;
  return 2;
}

function pathOf(kind: SourceKind, dir: string): string {
  if (kind === 'function') return dir ? `/var/task/${dir}` : '/var/task';
  return `/opt/${dir}`;
}

/** A sentence per module where a source gets another version than the one it ships (shown on the function's node). */
export function shadowingWarnings(shadowed: readonly ShadowedModule[], label: (source: string) => string): string[] {
  return shadowed
    .filter((s) => s.conflict)
    .map((s) => {
      const [winner, ...losers] = s.providers;
      const lost = losers
        .filter((p) => p.version !== winner.version)
        .map((p) => `${label(p.source)} ${p.version ?? '?'}`);
      return l10n.t(
        '{0}: {1} {2} is imported, not {3}.',
        s.module,
        label(winner.source),
        winner.version ?? '?',
        lost.join(', '),
      );
    });
}
