/**
 * A tool's YAML settings file (pnpm-workspace.yaml, .yarnrc.yml) for the staging copy: the user's settings kept
 * as written, the top-level keys the build sets itself removed with their indented blocks, and the build's own
 * lines appended. Line-based on purpose: it never reformats (or needs to understand) the rest of the user's YAML.
 */
export function withOwnSettings(
  userYaml: string | undefined,
  ownKeys: readonly string[],
  own: readonly string[],
): string {
  const kept: string[] = [];
  let dropping = false;
  for (const line of (userYaml ?? '').split(/\r?\n/)) {
    const key = /^([A-Za-z][\w-]*)\s*:/.exec(line)?.[1];
    if (key !== undefined) dropping = ownKeys.includes(key);
    else if (dropping && line.trim() !== '' && !/^\s/.test(line)) dropping = false;
    if (!dropping) kept.push(line);
  }
  const text = kept.join('\n').trimEnd();
  return (text ? `${text}\n` : '') + [...own, ''].join('\n');
}

/** The `supportedArchitectures` block both pnpm and Yarn Berry read: Lambda's platform, which has no CLI flag. */
export function supportedArchitecturesYaml(cpu: string): string[] {
  return ['supportedArchitectures:', '  os: [linux]', `  cpu: [${cpu}]`, '  libc: [glibc]'];
}
