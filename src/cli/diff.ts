import * as l10n from '@vscode/l10n';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { zipCacheDir } from '../stack/cacheDir';
import { compareOperands, comparisonText, parseOperand, type Comparison } from '../stack/compare';
import { ZipCache } from '../stack/zipCache';
import { errorMessage } from '../util/errors';
import { parseCommandLine, usageError } from './args';

export const USAGE =
  'usage: diff LAYER_VERSION_ARN_OR_ZIP LAYER_VERSION_ARN_OR_ZIP [--json] [--endpoint URL] [--region R] [--profile P]';

/** `diff A B`: packages added, removed, upgraded or downgraded from A to B, and the size change of each. */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, { ...CONNECTION_FLAGS, json: { type: 'boolean' } }, USAGE);
  if (!args) return 2;
  const [a, b, ...extra] = args.positionals;
  if (!a || !b || extra.length > 0) return usageError(USAGE);
  const print = (c: Comparison) => {
    process.stdout.write(args.values.json ? `${JSON.stringify(c, null, 2)}\n` : comparisonText(c));
  };
  let operands;
  try {
    operands = [await parseOperand(a), await parseOperand(b)] as const;
  } catch (e) {
    process.stderr.write(`${l10n.t('error: {0}', errorMessage(e))}\n`);
    return 1;
  }
  const cache = new ZipCache(zipCacheDir());
  if (operands.every((o) => o.kind === 'zip')) {
    try {
      print(await compareOperands(operands[0], operands[1], undefined, { cache }));
      return 0;
    } catch (e) {
      process.stderr.write(`${l10n.t('error: {0}', errorMessage(e))}\n`);
      return 1;
    }
  }
  return runHeadless(args.values, async ({ gateway }, signal) =>
    print(await compareOperands(operands[0], operands[1], () => gateway, { cache, signal })),
  );
}
