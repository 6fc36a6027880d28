import * as l10n from '@vscode/l10n';
import { UserError } from '../util/errors';

/** Python runtimes a layer can target, with the glibc of the Amazon Linux image each one runs on. */
export const RUNTIMES = {
  'python3.10': { minor: 10, glibc: 26 },
  'python3.11': { minor: 11, glibc: 26 },
  'python3.12': { minor: 12, glibc: 34 },
  'python3.13': { minor: 13, glibc: 34 },
  'python3.14': { minor: 14, glibc: 34 },
} as const;

export type Runtime = keyof typeof RUNTIMES;
export type Architecture = 'x86_64' | 'arm64';
export const ARCHITECTURES: readonly Architecture[] = ['x86_64', 'arm64'];

/** Everything the installer and the scan need to know about where the layer will run. */
export interface Target {
  runtime: Runtime;
  architecture: Architecture;
  /** "3.12" */
  pythonVersion: string;
  /** "312" as in cp312 / cpython-312 */
  pythonTag: string;
  /** Highest glibc minor version the runtime provides (2.<glibcMinor>). */
  glibcMinor: number;
  /** Machine name as wheel tags and ELF tools spell it. */
  machine: 'x86_64' | 'aarch64';
}

export function isRuntime(value: string): value is Runtime {
  return Object.prototype.hasOwnProperty.call(RUNTIMES, value);
}

export function isArchitecture(value: string): value is Architecture {
  return (ARCHITECTURES as readonly string[]).includes(value);
}

export function resolveTarget(runtime: string, architecture: string): Target {
  if (!isRuntime(runtime)) {
    throw new UserError(
      l10n.t('Unsupported runtime "{0}". Choose one of: {1}.', runtime, Object.keys(RUNTIMES).join(', ')),
    );
  }
  if (!isArchitecture(architecture)) {
    throw new UserError(l10n.t('Unsupported architecture "{0}". Choose x86_64 or arm64.', architecture));
  }
  const { minor, glibc } = RUNTIMES[runtime];
  return {
    runtime,
    architecture,
    pythonVersion: `3.${minor}`,
    pythonTag: `3${minor}`,
    glibcMinor: glibc,
    machine: architecture === 'arm64' ? 'aarch64' : 'x86_64',
  };
}

/** The legacy manylinux names and the glibc minor version each one stands for (PEP 600). */
const LEGACY_ALIASES: Record<number, string> = { 17: 'manylinux2014', 12: 'manylinux2010', 5: 'manylinux1' };

/**
 * Every wheel platform tag that loads on the target, most preferred first (newest glibc first, as pip orders
 * its own host tags). pip does not expand `manylinux_2_X` downwards when given `--platform`, so all are passed.
 * aarch64 wheels start at manylinux2014 (glibc 2.17); x86_64 goes down to manylinux1 (glibc 2.5).
 */
export function platformTags(target: Target): string[] {
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

export function uvPythonPlatform(target: Target): string {
  const minor = UV_MANYLINUX_MINORS.find((m) => m <= target.glibcMinor) ?? 17;
  return `${target.machine}-manylinux_2_${minor}`;
}

/** A short human description of the tags tried, for error messages. */
export function describeTags(target: Target): string {
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
