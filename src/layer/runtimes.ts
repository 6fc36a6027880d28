import * as l10n from '@vscode/l10n';
import { UserError } from '../util/errors';

export type Language = 'python' | 'nodejs';
/** The Amazon Linux image a runtime runs on. */
export type BaseImage = 'al2' | 'al2023';

/**
 * Every runtime a layer can target, with its language and the Amazon Linux image (and its glibc, 2.<glibc>)
 * it runs on. Python entries carry their minor version, Node.js entries their major version.
 */
export const RUNTIMES = {
  'python3.10': { language: 'python', os: 'al2', glibc: 26, minor: 10 },
  'python3.11': { language: 'python', os: 'al2', glibc: 26, minor: 11 },
  'python3.12': { language: 'python', os: 'al2023', glibc: 34, minor: 12 },
  'python3.13': { language: 'python', os: 'al2023', glibc: 34, minor: 13 },
  'python3.14': { language: 'python', os: 'al2023', glibc: 34, minor: 14 },
  'nodejs18.x': { language: 'nodejs', os: 'al2', glibc: 26, major: 18 },
  'nodejs20.x': { language: 'nodejs', os: 'al2023', glibc: 34, major: 20 },
  'nodejs22.x': { language: 'nodejs', os: 'al2023', glibc: 34, major: 22 },
  'nodejs24.x': { language: 'nodejs', os: 'al2023', glibc: 34, major: 24 },
} as const;

export type Runtime = keyof typeof RUNTIMES;
type RuntimeOf<L extends Language> = {
  [R in Runtime]: (typeof RUNTIMES)[R]['language'] extends L ? R : never;
}[Runtime];
export type PythonRuntime = RuntimeOf<'python'>;
export type NodeRuntime = RuntimeOf<'nodejs'>;
export type Architecture = 'x86_64' | 'arm64';
export const ARCHITECTURES: readonly Architecture[] = ['x86_64', 'arm64'];

/** Where the layer will run: what the scan needs, whatever the language. */
interface TargetBase {
  architecture: Architecture;
  os: BaseImage;
  /** Highest glibc minor version the runtime provides (2.<glibcMinor>). */
  glibcMinor: number;
  /** Machine name as wheel tags and ELF tools spell it. */
  machine: 'x86_64' | 'aarch64';
}

/** Everything the installer and the scan need to know about where a Python layer will run. */
export interface PythonTarget extends TargetBase {
  language: 'python';
  runtime: PythonRuntime;
  /** "3.12" */
  pythonVersion: string;
  /** "312" as in cp312 / cpython-312 */
  pythonTag: string;
}

export interface NodeTarget extends TargetBase {
  language: 'nodejs';
  runtime: NodeRuntime;
  /** 22 for nodejs22.x */
  nodeMajor: number;
}

export type Target = PythonTarget | NodeTarget;

export function isRuntime(value: string): value is Runtime {
  return Object.prototype.hasOwnProperty.call(RUNTIMES, value);
}

export function isArchitecture(value: string): value is Architecture {
  return (ARCHITECTURES as readonly string[]).includes(value);
}

export function runtimeLanguage(runtime: Runtime): Language {
  return RUNTIMES[runtime].language;
}

/** The runtimes of one language, newest first (the order pickers show them in). */
export function runtimesOf<L extends Language>(language: L): RuntimeOf<L>[] {
  const version = (r: Runtime) => {
    const info = RUNTIMES[r];
    return 'minor' in info ? info.minor : info.major;
  };
  return (Object.keys(RUNTIMES) as Runtime[])
    .filter((r): r is RuntimeOf<L> => RUNTIMES[r].language === language)
    .sort((a, b) => version(b) - version(a));
}

export function resolveTarget(runtime: PythonRuntime, architecture: string): PythonTarget;
export function resolveTarget(runtime: string, architecture: string): Target;
export function resolveTarget(runtime: string, architecture: string): Target {
  if (!isRuntime(runtime)) {
    throw new UserError(
      l10n.t('Unsupported runtime "{0}". Choose one of: {1}.', runtime, Object.keys(RUNTIMES).join(', ')),
    );
  }
  if (!isArchitecture(architecture)) {
    throw new UserError(l10n.t('Unsupported architecture "{0}". Choose x86_64 or arm64.', architecture));
  }
  const info = RUNTIMES[runtime];
  const base = {
    architecture,
    os: info.os,
    glibcMinor: info.glibc,
    machine: architecture === 'arm64' ? ('aarch64' as const) : ('x86_64' as const),
  };
  if ('minor' in info) {
    return {
      language: 'python',
      runtime: runtime as PythonRuntime,
      ...base,
      pythonVersion: `3.${info.minor}`,
      pythonTag: `3${info.minor}`,
    };
  }
  return { language: 'nodejs', runtime: runtime as NodeRuntime, ...base, nodeMajor: info.major };
}

/** A Python runtime's target; a Node.js runtime is refused (the Python installer and wheel tags need one). */
export function resolvePythonTarget(runtime: string, architecture: string): PythonTarget {
  const target = resolveTarget(runtime, architecture);
  if (target.language !== 'python') {
    throw new UserError(
      l10n.t('{0} is not a Python runtime. Choose one of: {1}.', runtime, runtimesOf('python').join(', ')),
    );
  }
  return target;
}

/** The legacy manylinux names and the glibc minor version each one stands for (PEP 600). */
const LEGACY_ALIASES: Record<number, string> = { 17: 'manylinux2014', 12: 'manylinux2010', 5: 'manylinux1' };

/**
 * Every wheel platform tag that loads on the target, most preferred first (newest glibc first, as pip orders
 * its own host tags). pip does not expand `manylinux_2_X` downwards when given `--platform`, so all are passed.
 * aarch64 wheels start at manylinux2014 (glibc 2.17); x86_64 goes down to manylinux1 (glibc 2.5).
 */
export function platformTags(target: PythonTarget): string[] {
  const floor = target.machine === 'aarch64' ? 17 : 5;
  const tags: string[] = [];
  for (let minor = target.glibcMinor; minor >= floor; minor--) {
    tags.push(`manylinux_2_${minor}_${target.machine}`);
    const alias = LEGACY_ALIASES[minor];
    if (alias) tags.push(`${alias}_${target.machine}`);
  }
  return tags;
}

/**
 * uv names targets `<arch>-manylinux_2_X` and expands them downwards itself, but only knows a fixed list of X.
 * The highest one the runtime's glibc allows is chosen: for glibc 2.26 that is 2_17 (uv has no 2_24/2_26),
 * so uv skips the rare manylinux_2_24/2_26-only wheels that pip would take. Never `*-unknown-linux-gnu`,
 * which means manylinux_2_28 and would break python3.10/3.11.
 */
const UV_MANYLINUX_MINORS = [40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 28, 17];

export function uvPythonPlatform(target: PythonTarget): string {
  const minor = UV_MANYLINUX_MINORS.find((m) => m <= target.glibcMinor) ?? 17;
  return `${target.machine}-manylinux_2_${minor}`;
}

/** A short human description of the tags tried, for error messages. */
export function describeTags(target: PythonTarget): string {
  const tags = platformTags(target);
  const pep600 = tags.filter((t) => t.startsWith('manylinux_2_'));
  const legacy = tags.filter((t) => !t.startsWith('manylinux_2_')).map((t) => t.replace(`_${target.machine}`, ''));
  return l10n.t(
    'cp{0}, abi3 or py3-none wheels for {1} … {2} ({3})',
    target.pythonTag,
    pep600[pep600.length - 1].replace(`_${target.machine}`, ''),
    pep600[0],
    legacy.join(', '),
  );
}
