import { basename, resolve } from 'node:path';
import * as l10n from '@vscode/l10n';
import type { LambdaGateway } from '../aws/types';
import type { CodeZip } from '../deploy/codeZip';
import { deployCode, zipForFunction } from '../deploy/deployCode';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { zipCacheDir } from '../stack/cacheDir';
import { checkStackSize, codeChange, stackCheckWarnings } from '../stack/stackGuard';
import { ZipCache } from '../stack/zipCache';
import { UserError } from '../util/errors';
import { formatBytes } from '../util/format';
import { consoleLog } from '../util/log';
import { parseCommandLine, usageError } from './args';

export const USAGE =
  'usage: deploy FUNCTION --from DIR [--endpoint URL] [--region R] [--profile P]\n' +
  "  Replaces the function's code with DIR zipped (as create-function does); identical code is not uploaded.\n" +
  '  When someone else changes the code during the deploy, nothing is overwritten and the exit code is 1.\n' +
  "  Before uploading, checks the code with the function's layers: past Lambda's unzipped size limit (262,144,000\n" +
  '  bytes) nothing is uploaded and the exit code is 1; near it, or with ES module imports of packages only a layer\n' +
  '  provides, it warns on stderr and deploys.';

/**
 * `deploy FUNCTION --from DIR`: prints the function's CodeSha256 afterwards; says on stderr whether it changed.
 * The shared stack check runs first (src/stack/stackGuard.ts).
 */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, { ...CONNECTION_FLAGS, from: { type: 'string' } }, USAGE);
  if (!args) return 2;
  const { values, positionals } = args;
  if (positionals.length !== 1 || !values.from) return usageError(USAGE);
  const name = positionals[0];
  return runHeadless(values, async ({ gateway }, signal) => {
    const code = await zipForFunction(gateway, name, values.from!, { signal });
    await checkBeforeDeploy(gateway, name, code, signal);
    const result = await deployCode(gateway, name, values.from!, { code, signal, log: consoleLog });
    process.stderr.write(
      `${result.kind === 'unchanged' ? l10n.t('{0} already runs this code: unchanged, nothing uploaded.', name) : l10n.t('Deployed {0} to {1} ({2} zipped).', basename(resolve(values.from!)), name, formatBytes(result.code.zip.length))}\n`,
    );
    process.stdout.write(`${result.code.codeSha256}\n`);
  });
}

/**
 * The function with this code and its layers: past the unzipped size limit Lambda would refuse the upload, so it is
 * refused here before uploading; other warnings (near the limit, layer-only ES module imports) go to stderr.
 */
async function checkBeforeDeploy(
  gateway: LambdaGateway,
  name: string,
  code: CodeZip,
  signal: AbortSignal,
): Promise<void> {
  const check = await checkStackSize(gateway, codeChange(name, code), {
    cache: new ZipCache(zipCacheDir()),
    signal,
    log: consoleLog,
  });
  if (check.level === 'over') {
    throw new UserError(
      l10n.t(
        '{0} Nothing was uploaded to {1}: leave large files out of the code folder, or use smaller layers.',
        check.message!,
        name,
      ),
    );
  }
  for (const w of stackCheckWarnings(check)) consoleLog.warn(w);
}
