import { basename, resolve } from 'node:path';
import * as l10n from '@vscode/l10n';
import { deployCode } from '../deploy/deployCode';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { formatBytes } from '../util/format';
import { consoleLog } from '../util/log';
import { parseCommandLine, usageError } from './args';

export const USAGE =
  'usage: deploy FUNCTION --from DIR [--endpoint URL] [--region R] [--profile P]\n' +
  "  Replaces the function's code with DIR zipped (as create-function does); identical code is not uploaded.\n" +
  '  When someone else changes the code during the deploy, nothing is overwritten and the exit code is 1.';

/** `deploy FUNCTION --from DIR`: prints the function's CodeSha256 afterwards; says on stderr whether it changed. */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, { ...CONNECTION_FLAGS, from: { type: 'string' } }, USAGE);
  if (!args) return 2;
  const { values, positionals } = args;
  if (positionals.length !== 1 || !values.from) return usageError(USAGE);
  const name = positionals[0];
  return runHeadless(values, async ({ gateway }, signal) => {
    const result = await deployCode(gateway, name, values.from!, { signal, log: consoleLog });
    process.stderr.write(
      `${result.kind === 'unchanged' ? l10n.t('{0} already runs this code: unchanged, nothing uploaded.', name) : l10n.t('Deployed {0} to {1} ({2} zipped).', basename(resolve(values.from!)), name, formatBytes(result.code.zip.length))}\n`,
    );
    process.stdout.write(`${result.code.codeSha256}\n`);
  });
}
