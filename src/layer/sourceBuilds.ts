import * as l10n from '@vscode/l10n';

const HOST_NAMES: Partial<Record<NodeJS.Platform, string>> = { win32: 'Windows', darwin: 'macOS' };

/**
 * The warning of a build that allowed source builds. Packages without a wheel are compiled for the machine
 * that builds: on Linux that may load on Lambda, on Windows or macOS their native code never does.
 */
export function sourceBuildWarning(platform: NodeJS.Platform): string {
  const host = HOST_NAMES[platform];
  if (!host)
    return l10n.t(
      'Source builds were allowed: packages without a wheel were compiled on this machine and may not load on Lambda.',
    );
  return l10n.t(
    'Source builds were allowed on {0}: packages without a wheel were compiled for {0}, and Lambda (Linux) cannot load their native code. Build on Linux (WSL or a container) when a package publishes no Linux wheel.',
    host,
  );
}
