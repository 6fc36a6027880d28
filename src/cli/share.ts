import { grantAccess, type ShareTarget } from '../ops/sharing';
import { CONNECTION_FLAGS, runHeadless } from '../ops/session';
import { parseCommandLine, usageError } from './args';
import { layerVersionArg } from './layerVersionArg';

export const USAGE =
  'usage: share LAYER_VERSION_ARN (--account ID | --org o-ID | --public) [--statement-id ID] [--endpoint URL] [--region R] [--profile P]\n' +
  '  Lets another account, every account of an organization, or every AWS account (--public) use the version.\n' +
  '  Prints "granted <statement-id>", or "already <statement-id>" when that audience already has access.';

const FLAGS = {
  ...CONNECTION_FLAGS,
  account: { type: 'string' },
  org: { type: 'string' },
  public: { type: 'boolean' },
  'statement-id': { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv, FLAGS, USAGE);
  if (!args) return 2;
  const [arn, ...extra] = args.positionals;
  const { account, org } = args.values;
  const targets: ShareTarget[] = [
    ...(account !== undefined ? [{ kind: 'account' as const, accountId: account }] : []),
    ...(org !== undefined ? [{ kind: 'organization' as const, organizationId: org }] : []),
    ...(args.values.public ? [{ kind: 'public' as const }] : []),
  ];
  if (!arn || extra.length > 0 || targets.length !== 1) return usageError(USAGE);
  const target = layerVersionArg(arn, args.values);
  if (!target) return 2;
  return runHeadless({ ...args.values, region: target.region }, async ({ gateway }) => {
    const result = await grantAccess(gateway, target.id, targets[0], args.values['statement-id']);
    process.stdout.write(`${result.status} ${result.statementId}\n`);
  });
}
