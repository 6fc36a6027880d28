import * as l10n from '@vscode/l10n';

/**
 * How the status bar names a scope: `prod @ eu-west-1` for one region, `prod @ 3 regions` for several,
 * `2 profiles @ 3 regions` across accounts. `name` is the profile (or "Local") of the connection.
 */
export function scopeText(name: string, regions: readonly string[], profiles: readonly string[] = []): string {
  const who = profiles.length > 1 ? l10n.t('{0} profiles', profiles.length) : name;
  const where = regions.length === 1 ? regions[0] : l10n.t('{0} regions', regions.length);
  return `${who} @ ${where}`;
}
