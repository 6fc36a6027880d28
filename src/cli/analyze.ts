import * as l10n from '@vscode/l10n';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { analyzeFunction, reportJson, type StackReport } from '../stack/analyze';
import { zipCacheDir } from '../stack/cacheDir';
import { ZipCache } from '../stack/zipCache';
import { formatBytes } from '../util/format';
import { parseCommandLine, usageError } from './args';

export const USAGE = 'usage: analyze FUNCTION [--json] [--endpoint URL] [--region R] [--profile P]';

/**
 * `analyze FUNCTION`: the function's code and layers unzipped against Lambda's quota, and the modules more
 * than one of them (or the runtime) provides, with the one that wins. Zips are cached by CodeSha256 in the
 * user's cache folder. Exit code 1 when the stack is over the quota.
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, { ...CONNECTION_FLAGS, json: { type: 'boolean' } }, USAGE);
  if (!args) return 2;
  const [functionName, ...extra] = args.positionals;
  if (!functionName || extra.length > 0) return usageError(USAGE);
  let over = false;
  const code = await runHeadless(args.values, async ({ gateway }, signal) => {
    const report = await analyzeFunction(gateway, functionName, { cache: new ZipCache(zipCacheDir()), signal });
    over = report.budget.level === 'over';
    process.stdout.write(args.values.json ? `${JSON.stringify(reportJson(report), null, 2)}\n` : textReport(report));
  });
  return code === 0 && over ? 1 : code;
}

function textReport(r: StackReport): string {
  const b = r.budget;
  const lines = [
    l10n.t('Unzipped: {0} of {1} ({2}%)', formatBytes(b.total), formatBytes(b.limit), (b.ratio * 100).toFixed(1)),
    ...b.parts.map((p) => `  ${formatBytes(p.unzipped).padStart(9)}  ${p.source === 'function' ? l10n.t('function code') : p.source}`),
  ];
  if (b.level === 'over') lines.push(l10n.t('Over the limit: Lambda refuses this combination.'));
  else if (b.level === 'warn') lines.push(l10n.t('More than 90% of the limit.'));
  lines.push('', r.shadowed.length ? l10n.t('Modules provided more than once (the first one wins):') : l10n.t('No module is provided more than once.'));
  for (const s of r.shadowed) {
    const providers = s.providers.map((p) => `${p.source}${p.version ? ` ${p.version}` : ''}`).join(' > ');
    lines.push(`  ${s.module}${s.conflict ? ' !' : ''}: ${providers}`);
  }
  return `${lines.join('\n')}\n`;
}
