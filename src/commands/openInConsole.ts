import * as vscode from 'vscode';
import { parseLayerArn } from '../aws/arn';
import type { Services } from '../services';
import { UserError } from '../util/errors';
import { lambdaConsoleUrl } from './consoleUrl';
import { resolveTarget } from './resourceTarget';

export async function openInConsole(services: Services, node?: unknown): Promise<void> {
  const live = services.connection.require();
  if (live.isLocal) {
    throw new UserError(
      vscode.l10n.t(
        'The local endpoint has no AWS Console. Switch to an AWS profile to open resources in the console.',
      ),
    );
  }
  const target = await resolveTarget(services, node, vscode.l10n.t('Open in AWS Console'));
  if (target.kind === 'layerVersion' && target.external) {
    throw new UserError(
      vscode.l10n.t('{0} belongs to another account; the console can only open layers of your account.', target.arn),
    );
  }
  // A layer lives in the region of its ARN, which is the connection's region for the account's own layers.
  const region =
    target.kind === 'layerVersion' ? (parseLayerArn(target.arn)?.region ?? live.settings.region) : live.settings.region;
  await vscode.env.openExternal(vscode.Uri.parse(lambdaConsoleUrl(region, target), true));
}
