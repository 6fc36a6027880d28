import * as l10n from '@vscode/l10n';
import { UserError } from '../util/errors';
import { describeTags, type PythonTarget } from './runtimes';
import type { Installer } from './installer';

/** Why an install failed, read from pip's or uv's output. */
export type InstallFailure =
  | { kind: 'unreachable'; index?: string; detail: string }
  | { kind: 'no-distribution'; requirement: string; versions: string[]; platforms?: string[] }
  | { kind: 'hashes'; detail: string }
  | { kind: 'conflict'; detail: string }
  | { kind: 'source-build'; packageName?: string }
  | { kind: 'other'; detail: string };

const NETWORK = [
  /Failed to establish a new connection[^']*/,
  /Max retries exceeded with url[^\n]*/,
  /ConnectTimeoutError[^\n]*/,
  /Read timed out[^\n]*/,
  /ProxyError[^\n]*/,
  /SSLError[^\n]*/,
  /(?:dns error|Connection refused|error sending request)[^\n]*/i,
  /Temporary failure in name resolution/,
  /Name or service not known/,
];

export function classifyInstallerOutput(output: string): InstallFailure {
  const lines = output.split(/\r?\n/);
  const network = NETWORK.map((re) => re.exec(output)?.[0]).find(Boolean);
  if (network) {
    const index = /Looking in indexes: (\S+)/.exec(output)?.[1] ?? /Failed to fetch: `([^`]+)`/.exec(output)?.[1];
    return { kind: 'unreachable', index, detail: network.trim() };
  }
  if (/DO NOT MATCH THE HASHES|Hashes are required in --require-hashes mode|Hash mismatch/i.test(output)) {
    return {
      kind: 'hashes',
      detail: tail(
        lines.filter((l) => /hash|Expected|Got|sha256/i.test(l)),
        8,
      ),
    };
  }
  const pipMissing = /Could not find a version that satisfies the requirement (.+?) \(from versions: ([^)]*)\)/.exec(
    output,
  );
  if (pipMissing) {
    const requirement = pipMissing[1].split(' (from ')[0].trim();
    const versions = pipMissing[2]
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v && v !== 'none');
    return { kind: 'no-distribution', requirement, versions };
  }
  const uvMissing = uvNoDistribution(output);
  if (uvMissing) return uvMissing;
  if (/ResolutionImpossible|conflicting dependencies|No solution found when resolving/i.test(output)) {
    return {
      kind: 'conflict',
      detail: tail(
        lines.filter((l) => l.trim()),
        12,
      ),
    };
  }
  const build = /Failed (?:building wheel|to build) (?:for )?`?([A-Za-z0-9._-]+)/.exec(output);
  if (build || /subprocess-exited-with-error/.test(output)) return { kind: 'source-build', packageName: build?.[1] };
  return {
    kind: 'other',
    detail: tail(
      lines.filter((l) => l.trim()),
      12,
    ),
  };
}

/** uv: "Because foo was not found…" / "Because only foo<1 is available…", plus its platform hint. */
function uvNoDistribution(output: string): InstallFailure | undefined {
  const because = /Because (?:there is no version of |only |all versions of )?([A-Za-z0-9._-]+)([^\s,]*)/.exec(output);
  if (!because || !/No solution found|unsatisfiable/i.test(output)) return undefined;
  const hint = /Wheels are available for `[^`]+` \(([^)]*)\) on the following platforms?: (.+)/.exec(output);
  const platforms = hint ? [...hint[2].matchAll(/`([^`]+)`/g)].map((m) => m[1]) : undefined;
  const wanted = /you require ([A-Za-z0-9._-]+[^\s,]*)/.exec(output)?.[1];
  return { kind: 'no-distribution', requirement: wanted ?? because[1] + because[2], versions: [], platforms };
}

function tail(lines: string[], n: number): string {
  return lines.slice(-n).join('\n');
}

/** The message the user reads, saying what to change. `log` is the full installer output for the detail pane. */
export function installFailureError(
  failure: InstallFailure,
  target: PythonTarget,
  installer: Installer,
  log: string,
): UserError {
  switch (failure.kind) {
    case 'unreachable':
      return new UserError(
        l10n.t(
          'Could not reach the package index{0}: {1}. Check the network, proxy and the index settings (pip.conf, PIP_INDEX_URL, --index-url in the requirements file).',
          failure.index ? ` (${failure.index})` : '',
          failure.detail,
        ),
        log,
      );
    case 'no-distribution':
      return new UserError(
        noDistributionMessage(failure.requirement, failure.versions, failure.platforms, target),
        log,
      );
    case 'hashes':
      return new UserError(
        l10n.t(
          '{0} refused a download whose hash does not match the requirements file:\n{1}',
          installer,
          failure.detail,
        ),
        log,
      );
    case 'conflict':
      return new UserError(l10n.t('The requirements conflict with each other:\n{0}', failure.detail), log);
    case 'source-build':
      return new UserError(
        l10n.t(
          'Building {0} from source failed. Pin a version that publishes a wheel for {1} ({2}), or install the build tools it needs.',
          failure.packageName ?? l10n.t('a package'),
          target.runtime,
          target.architecture,
        ),
        log,
      );
    case 'other':
      return new UserError(l10n.t('{0} failed:\n{1}', installer, failure.detail), log);
  }
}

function noDistributionMessage(
  requirement: string,
  versions: string[],
  platforms: string[] | undefined,
  target: PythonTarget,
): string {
  const hints: string[] = [];
  if (versions.length > 0) {
    hints.push(l10n.t('versions with a matching wheel: {0}', versions.slice(-8).join(', ')));
  } else {
    hints.push(l10n.t('pin another version that publishes such a wheel'));
  }
  if (target.glibcMinor < 28) {
    hints.push(l10n.t('choose python3.12 or later (glibc 2.34 accepts manylinux_2_28 … 2_34 wheels)'));
  }
  hints.push(l10n.t('try the {0} architecture', target.architecture === 'arm64' ? 'x86_64' : 'arm64'));
  hints.push(l10n.t('or allow source builds (compiled code may then not load on Lambda)'));
  const found = platforms?.length ? ' ' + l10n.t('Wheels exist only for: {0}.', platforms.join(', ')) : '';
  return l10n.t(
    'No wheel of "{0}" fits {1} on {2}. Tried {3}.{4} To fix it: {5}.',
    requirement,
    target.runtime,
    target.architecture,
    describeTags(target),
    found,
    hints.join('; '),
  );
}
