import { revokeAccess } from '../ops/sharing';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { parseCommandLine, usageError } from './args';
import { layerVersionArg } from './layerVersionArg';

export const USAGE =
  'usage: unshare LAYER_VERSION_ARN --statement-id ID [--endpoint URL] [--region R] [--profile P]\n' +
  '  Removes one statement of the version\'s policy (see "policy" for the statement ids). Functions already using\n' +
  '  the version keep working.';

const FLAGS = { ...CONNECTION_FLAGS, 'statement-id': { type: 'string' } } as const;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, FLAGS, USAGE);
  if (!args) return 2;
  const [arn, ...extra] = args.positionals;
  const statementId = args.values['statement-id'];
  if (!arn || extra.length > 0 || !statementId) return usageError(USAGE);
  const target = layerVersionArg(arn, args.values);
  if (!target) return 2;
  return runHeadless({ ...args.values, region: target.region }, async ({ gateway }) => {
    await revokeAccess(gateway, target.id, statementId);
  });
}
