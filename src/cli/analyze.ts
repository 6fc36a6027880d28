import * as l10n from '@vscode/l10n';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { analyzeFunction, reportJson, type StackReport } from '../stack/analyze';
import { zipCacheDir } from '../stack/cacheDir';
import { ZipCache } from '../stack/zipCache';
import { measureImports, type ImportTiming } from '../stack/importTime';
import { errorMessage, isCancellation } from '../util/errors';
import { formatBytes } from '../util/format';
import { consoleLog } from '../util/log';
import { parseCommandLine, usageError } from './args';

export const USAGE = 'usage: analyze FUNCTION [--json] [--skip-imports] [--endpoint URL] [--region R] [--profile P]';

/**
 * `analyze FUNCTION`: the function's code and layers unzipped against Lambda's quota, and the modules more
 * than one of them (or the runtime) provides, with the one that wins. Zips are cached by CodeSha256 in the
 * user's cache folder. Unless --skip-imports, each package's import time is measured with the local Python.
 * Exit code 1 when the stack is over the quota.
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(
    argv,
    { ...CONNECTION_FLAGS, json: { type: 'boolean' }, 'skip-imports': { type: 'boolean' } },
    USAGE,
  );
  if (!args) return 2;
  const [functionName, ...extra] = args.positionals;
  if (!functionName || extra.length > 0) return usageError(USAGE);
  let over = false;
  const code = await runHeadless(args.values, async ({ gateway }, signal) => {
    const report = await analyzeFunction(gateway, functionName, { cache: new ZipCache(zipCacheDir()), signal });
    over = report.budget.level === 'over';
    const imports = args.values['skip-imports'] ? [] : await localImports(report, signal);
    process.stdout.write(
      args.values.json ? `${JSON.stringify(reportJson(report, imports), null, 2)}\n` : textReport(report, imports),
    );
  });
  return code === 0 && over ? 1 : code;
}

/** Import times from the local Python; none (with a note on stderr) when there is no Python 3 here. */
async function localImports(report: StackReport, signal: AbortSignal): Promise<ImportTiming[]> {
  try {
    return (await measureImports(report.runtime, report.sources, signal)).timings;
  } catch (e) {
    if (isCancellation(e)) throw e;
    consoleLog.warn(l10n.t('Import times were not measured: {0}', errorMessage(e)));
    return [];
  }
}

function textReport(r: StackReport, imports: ImportTiming[]): string {
  const b = r.budget;
  const lines = [
    l10n.t('Unzipped: {0} of {1} ({2}%)', formatBytes(b.total), formatBytes(b.limit), (b.ratio * 100).toFixed(1)),
    ...b.parts.map(
      (p) =>
        `  ${formatBytes(p.unzipped).padStart(9)}  ${p.source === 'function' ? l10n.t('function code') : p.source}`,
    ),
  ];
  if (b.level === 'over') lines.push(l10n.t('Over the limit: Lambda refuses this combination.'));
  else if (b.level === 'warn') lines.push(l10n.t('More than 90% of the limit.'));
  lines.push(
    '',
    r.shadowed.length
      ? l10n.t('Modules provided more than once (the first one wins):')
      : l10n.t('No module is provided more than once.'),
  );
  for (const s of r.shadowed) {
    const providers = s.providers.map((p) => `${p.source}${p.version ? ` ${p.version}` : ''}`).join(' > ');
    lines.push(`  ${s.module}${s.conflict ? ' !' : ''}: ${providers}`);
  }
  if (imports.length > 0) lines.push('', l10n.t('Import time per package (local Python, fresh interpreter):'));
  for (const t of imports) {
    const saved =
      t.msWithBytecode !== undefined ? `  ${l10n.t('with bytecode: {0} ms', t.msWithBytecode.toFixed(1))}` : '';
    lines.push(
      t.error
        ? `  ${t.module}: ${t.error}`
        : `  ${t.ms.toFixed(1).padStart(8)} ms ${(t.share * 100).toFixed(0).padStart(3)}%  ${t.module}${saved}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
