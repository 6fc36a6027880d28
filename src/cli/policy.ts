import * as l10n from '@vscode/l10n';
import { readPolicy } from '../ops/sharing';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { parseCommandLine, usageError } from './args';
import { layerVersionArg } from './layerVersionArg';

export const USAGE =
  'usage: policy LAYER_VERSION_ARN [--endpoint URL] [--region R] [--profile P]\n' +
  "  Prints the version's resource policy (who may use it) as JSON; a version shared with nobody prints nothing.";

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, CONNECTION_FLAGS, USAGE);
  if (!args) return 2;
  const [arn, ...extra] = args.positionals;
  if (!arn || extra.length > 0) return usageError(USAGE);
  const target = layerVersionArg(arn, args.values);
  if (!target) return 2;
  return runHeadless({ ...args.values, region: target.region }, async ({ gateway }) => {
    const { policy } = await readPolicy(gateway, target.id);
    if (policy === undefined)
      process.stderr.write(`${l10n.t('{0} has no policy: only its own account can use it.', arn)}\n`);
    else process.stdout.write(`${JSON.stringify(JSON.parse(policy), null, 2)}\n`);
  });
}
