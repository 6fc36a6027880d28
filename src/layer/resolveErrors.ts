// Why pip found nothing to install, told apart by what the package sources really hold. pip prints the same
// "(from versions: none)" when the name does not exist, when the pinned version does not, and when versions exist
// but none has a wheel for the target's platform, glibc or Python; each needs a different fix, so the build looks
// at the sources' file lists (distributionFiles.ts) and this module classifies and words the answer.
import * as l10n from '@vscode/l10n';
import {
  platformTags,
  resolveTarget,
  runtimesOf,
  type Architecture,
  type PythonRuntime,
  type PythonTarget,
} from './runtimes';

/** A wheel's or sdist's file name, split per the wheel spec (PEP 427) and the sdist convention. */
export interface DistFile {
  project: string;
  version: string;
  /** Absent for an sdist. */
  wheel?: { python: string[]; abi: string[]; platform: string[] };
}

export type MissingDiagnosis =
  /** The sources hold nothing of this name. */
  | { kind: 'no-project'; project: string }
  /** The name exists, the wanted version does not. */
  | { kind: 'no-version'; project: string; version: string; versions: string[] }
  /** The version exists, but no wheel of it loads on the target. */
  | {
      kind: 'no-wheel-for-target';
      project: string;
      version: string;
      /** The platform tags its wheels carry. */
      platforms: string[];
      /** Lowest glibc minor its wheels for the target's machine need, when that is what rules them out. */
      needsGlibc?: number;
      /** Its CPython versions, when the Python version is what rules them out ("cp312", …). */
      pythons?: string[];
      /** The other architecture, when its wheels are all for that one. */
      otherArchitecture?: Architecture;
      /** Another runtime of the same architecture one of its wheels loads on. */
      fitsRuntime?: PythonRuntime;
      hasSdist: boolean;
    };

/** PEP 503 name normalization. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function parseDistFilename(filename: string): DistFile | undefined {
  const wheel = /^([^-]+)-([^-]+)(?:-\d[^-]*)?-([^-]+)-([^-]+)-([^-]+)\.whl$/.exec(filename);
  if (wheel) {
    return {
      project: normalizeName(wheel[1]),
      version: wheel[2],
      wheel: { python: wheel[3].split('.'), abi: wheel[4].split('.'), platform: wheel[5].split('.') },
    };
  }
  const sdist = /^(.+)-([0-9][^-]*)\.(?:tar\.gz|zip|tar\.bz2)$/.exec(filename);
  return sdist ? { project: normalizeName(sdist[1]), version: sdist[2] } : undefined;
}

/** The project name and pinned version (`name==1.0`, extras and markers dropped) of pip's requirement text. */
export function parseRequirement(requirement: string): { project: string; version?: string } {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:===?\s*([^\s,;]+))?/.exec(requirement);
  return { project: normalizeName(m?.[1] ?? requirement.trim()), version: m?.[2] };
}

/** Whether the wheel's Python and ABI tags load on the target's CPython, whatever its platform. */
function pythonFits(wheel: NonNullable<DistFile['wheel']>, target: PythonTarget): boolean {
  const minor = Number(target.pythonTag.slice(1));
  const pythonOk = wheel.python.some((tag) => {
    if (tag === 'py3' || tag === `py3${minor}`) return true;
    const cp = /^cp3(\d+)$/.exec(tag);
    if (!cp) return false;
    // cp3X wheels load on 3.X only, unless their ABI is abi3 (stable ABI, 3.X and later) or none.
    return Number(cp[1]) === minor || (Number(cp[1]) < minor && wheel.abi.some((a) => a === 'abi3' || a === 'none'));
  });
  return pythonOk && wheel.abi.some((a) => a === 'none' || a === 'abi3' || a === `cp${target.pythonTag}`);
}

/** Whether the wheel has a platform tag of the target's machine (or none at all: `any`). */
function machineFits(wheel: NonNullable<DistFile['wheel']>, target: PythonTarget): boolean {
  return wheel.platform.some((p) => p === 'any' || p.endsWith(`_${target.machine}`));
}

/** Whether pip, resolving for `target` (CPython, manylinux), would take this wheel. */
export function wheelFits(wheel: NonNullable<DistFile['wheel']>, target: PythonTarget): boolean {
  const platforms = new Set([...platformTags(target), 'any']);
  return pythonFits(wheel, target) && wheel.platform.some((p) => platforms.has(p));
}

/** glibc minor version a manylinux platform tag needs on `machine`, or undefined for other tags. */
function glibcOf(tag: string, machine: string): number | undefined {
  if (!tag.endsWith(`_${machine}`)) return undefined;
  const pep600 = /^manylinux_2_(\d+)_/.exec(tag);
  if (pep600) return Number(pep600[1]);
  const legacy: Record<string, number> = { manylinux2014: 17, manylinux2010: 12, manylinux1: 5 };
  return legacy[tag.slice(0, -machine.length - 1)];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const d = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Classifies a requirement pip found nothing for, given every file name the package sources list for it.
 * Without a pinned version the newest one is examined.
 */
export function diagnoseMissing(
  requirement: string,
  fileNames: readonly string[],
  target: PythonTarget,
): MissingDiagnosis {
  const { project, version: pinned } = parseRequirement(requirement);
  const files = fileNames.map(parseDistFilename).filter((f): f is DistFile => f?.project === project);
  if (files.length === 0) return { kind: 'no-project', project };
  const versions = [...new Set(files.map((f) => f.version))].sort(compareVersions);
  const version = pinned ?? versions[versions.length - 1];
  const ofVersion = files.filter((f) => compareVersions(f.version, version) === 0);
  if (ofVersion.length === 0) return { kind: 'no-version', project, version, versions };
  const wheels = ofVersion.flatMap((f) => (f.wheel ? [f.wheel] : []));
  const platforms = [...new Set(wheels.flatMap((w) => w.platform))].sort();
  // Ruled out by architecture, else by glibc, else by Python version: the first that explains it is the fix.
  const ofMachine = wheels.filter((w) => machineFits(w, target));
  const other: Architecture = target.architecture === 'arm64' ? 'x86_64' : 'arm64';
  const otherArchitecture =
    wheels.length > 0 &&
    ofMachine.length === 0 &&
    wheels.some((w) => wheelFits(w, resolveTarget(target.runtime, other)))
      ? other
      : undefined;
  const glibcs = ofMachine
    .flatMap((w) => w.platform.map((p) => glibcOf(p, target.machine)))
    .filter((g): g is number => g !== undefined);
  const needsGlibc = glibcs.length > 0 && Math.min(...glibcs) > target.glibcMinor ? Math.min(...glibcs) : undefined;
  const cpythons = [...new Set(ofMachine.flatMap((w) => w.python).filter((p) => /^cp3\d+$/.test(p)))].sort(
    compareVersions,
  );
  const pythonRulesOut =
    needsGlibc === undefined && cpythons.length > 0 && !ofMachine.some((w) => pythonFits(w, target));
  // Oldest first: the nearest runtime a wheel of it loads on.
  const fitsRuntime = runtimesOf('python')
    .reverse()
    .find(
      (runtime) =>
        runtime !== target.runtime && wheels.some((w) => wheelFits(w, resolveTarget(runtime, target.architecture))),
    );
  return {
    kind: 'no-wheel-for-target',
    project,
    version,
    platforms,
    ...(needsGlibc !== undefined ? { needsGlibc } : {}),
    ...(otherArchitecture ? { otherArchitecture } : {}),
    ...(pythonRulesOut ? { pythons: cpythons } : {}),
    ...(fitsRuntime ? { fitsRuntime } : {}),
    hasSdist: ofVersion.some((f) => !f.wheel),
  };
}

/** The message: the fact first, then what exists, then what to do. `where` names the sources looked at. */
export function missingMessage(d: MissingDiagnosis, target: PythonTarget, where: string): string {
  switch (d.kind) {
    case 'no-project':
      return l10n.t('No package named "{0}" in {1}. Check its name in the requirements file.', d.project, where);
    case 'no-version':
      return l10n.t(
        '{0} has no version {1} in {2}. Versions there: {3}.',
        d.project,
        d.version,
        where,
        d.versions.slice(-10).join(', '),
      );
    case 'no-wheel-for-target': {
      const why = d.otherArchitecture
        ? l10n.t('its wheels are for the {0} architecture only', d.otherArchitecture)
        : d.needsGlibc !== undefined
          ? l10n.t(
              'its wheels for {0} need glibc 2.{1} or newer (manylinux_2_{1}), and {2} runs on glibc 2.{3}',
              target.machine,
              d.needsGlibc,
              target.runtime,
              target.glibcMinor,
            )
          : d.pythons
            ? l10n.t('its wheels are for {0} only', d.pythons.join(', '))
            : l10n.t('it has wheels only for {0}', d.platforms.join(', ') || l10n.t('no platform (source only)'));
      const fixes: string[] = [];
      if (d.otherArchitecture) fixes.push(l10n.t('build for {0}', d.otherArchitecture));
      if (d.fitsRuntime) fixes.push(l10n.t('build for {0}, where a wheel of it loads', d.fitsRuntime));
      fixes.push(l10n.t('pin a version with a wheel for {0} ({1})', target.runtime, target.architecture));
      if (d.hasSdist) fixes.push(l10n.t('allow source builds (compiled code may then not load on Lambda)'));
      return l10n.t(
        '{0} {1} has no wheel that loads on {2} ({3}): {4}. To fix it: {5}.',
        d.project,
        d.version,
        target.runtime,
        target.architecture,
        why,
        fixes.join('; '),
      );
    }
  }
}
