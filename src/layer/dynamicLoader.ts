import { posix } from 'node:path';
import type { ElfInfo } from './elf';

/**
 * Where Lambda's dynamic loader (glibc's ld.so) finds the libraries the layer's native files need, modelled on
 * the layer's own paths: the zip is extracted into /opt, so zip path `python/x.so` is `/opt/python/x.so`.
 * For a need of object L, the loader takes, in order: a library of that name already loaded; L's DT_RPATH and
 * that of the objects that loaded L (only when L has no DT_RUNPATH); LD_LIBRARY_PATH, which on Lambda ends
 * with /opt/lib; L's DT_RUNPATH (for L's own needs only); the system folders (the runtime's base image).
 */

/** The layer folders on Lambda's LD_LIBRARY_PATH (after the system ones): /opt/lib, the zip's `lib/`. */
export const LIBRARY_PATH: readonly string[] = ['lib'];
const MAX_LINK_HOPS = 8;

/** The layer's native objects by zip path, with the names (files and links) and links of the whole layer. */
export interface LayerLibraries {
  objects: ReadonlyMap<string, ElfInfo>;
  /** Zip paths of every file and link. */
  names: ReadonlySet<string>;
  /** Zip path of a link → its text. */
  links: ReadonlyMap<string, string>;
  /** Libraries of the runtime's base image. */
  system: ReadonlySet<string>;
}

/** A library an object needs that its search path does not find. */
export interface UnresolvedNeed {
  object: string;
  library: string;
  /** The layer folders (zip paths) the loader searched for it, run paths first. */
  searched: string[];
  /** The modules whose loading ran into it (and so fails). */
  modules: string[];
}

export interface LoadModel {
  unresolved: UnresolvedNeed[];
  /** Library name → the modules that, loaded first, bring it in from the layer through their search paths. */
  loadedBy: Map<string, string[]>;
}

/** The zip path of `/opt/...` (`''` for /opt itself), or undefined outside the layer. */
function inLayer(absolute: string): string | undefined {
  const p = posix.normalize(absolute);
  if (p === '/opt' || p === '/opt/') return '';
  return p.startsWith('/opt/') ? p.slice('/opt/'.length).replace(/\/$/, '') : undefined;
}

/**
 * The layer folders (zip paths) a run path names for the object at `file`: `$ORIGIN` / `${ORIGIN}` is the
 * object's folder (auditwheel writes `$ORIGIN/../<pkg>.libs`), `/opt/…` the layer itself. Entries that
 * leave /opt (system folders, relative or unexpanded ones) are not listed.
 */
export function runPathDirs(file: string, entries: readonly string[]): string[] {
  const origin = `/opt/${posix.dirname(file)}`;
  const dirs: string[] = [];
  for (const entry of entries) {
    const absolute = entry.replace(/^\$(\{ORIGIN\}|ORIGIN)(?=\/|$)/, origin);
    const dir = absolute.startsWith('/') ? inLayer(absolute) : undefined;
    if (dir !== undefined && !dirs.includes(dir)) dirs.push(dir);
  }
  return dirs;
}

/** DT_RPATH counts only without DT_RUNPATH (glibc drops it then, for the object and for those it loads). */
function effectiveRpath(file: string, info: ElfInfo): string[] {
  return info.runpath.length > 0 ? [] : runPathDirs(file, info.rpath);
}

/** Follows links inside the layer to the file they name; undefined when one dangles or loops. */
function resolveLink(path: string, layer: LayerLibraries): string | undefined {
  let p = path;
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    const target = layer.links.get(p);
    if (target === undefined) return layer.names.has(p) ? p : undefined;
    p = posix.normalize(posix.join(posix.dirname(p), target));
  }
  return undefined;
}

/**
 * Loads every object the way the loader would if the runtime loaded it first (breadth first, as ld.so maps
 * a module's dependencies), and reports each need that nothing on its search path, and nothing the same load
 * brought in before, satisfies. Objects no other object needs are the modules the runtime loads; one that
 * none of them reaches is loaded on its own as well, so every object is checked.
 */
export function modelLoading(layer: LayerLibraries): LoadModel {
  const unresolved = new Map<string, UnresolvedNeed>();
  const loadedBy = new Map<string, string[]>();
  const reached = new Set<string>();
  const find = (dirs: readonly string[], lib: string) =>
    dirs.map((d) => resolveLink(d ? `${d}/${lib}` : lib, layer)).find((p) => p !== undefined);

  const load = (module: string) => {
    const loaded = new Set([posix.basename(module)]);
    const mapped = new Set([module]);
    const queue: { path: string; inherited: string[] }[] = [{ path: module, inherited: [] }];
    for (let item = queue.shift(); item; item = queue.shift()) {
      const { path, inherited } = item;
      const info = layer.objects.get(path);
      if (!info) continue;
      reached.add(path);
      // What the objects this one loads inherit: its DT_RPATH and its loaders', whatever their DT_RUNPATH.
      const passed = [...effectiveRpath(path, info), ...inherited];
      const rpath = info.runpath.length > 0 ? [] : passed;
      const later = [...LIBRARY_PATH, ...runPathDirs(path, info.runpath)];
      for (const lib of info.needed) {
        if (lib.includes('/') || loaded.has(lib)) continue;
        const found = find(rpath, lib) ?? (layer.system.has(lib) ? null : find(later, lib));
        if (found === undefined) {
          const key = `${path}\0${lib}`;
          const known = unresolved.get(key);
          if (known) known.modules.push(module);
          else unresolved.set(key, { object: path, library: lib, searched: [...rpath, ...later], modules: [module] });
          continue;
        }
        loaded.add(lib);
        if (found === null || mapped.has(found)) continue;
        mapped.add(found);
        loadedBy.set(lib, [...(loadedBy.get(lib) ?? []), module]);
        queue.push({ path: found, inherited: passed });
      }
    }
  };

  // An object counts as needed when a need's name is its file name or a link to it.
  const byName = new Map<string, string[]>();
  for (const n of layer.names) byName.set(posix.basename(n), [...(byName.get(posix.basename(n)) ?? []), n]);
  const needed = new Set(
    [...layer.objects.values()].flatMap((i) =>
      i.needed.flatMap((lib) => byName.get(lib) ?? []).map((n) => resolveLink(n, layer)),
    ),
  );
  const paths = [...layer.objects.keys()].sort();
  for (const p of paths) if (!needed.has(p)) load(p);
  for (const p of paths) if (!reached.has(p)) load(p);
  return { unresolved: [...unresolved.values()], loadedBy };
}
